package io.jnsq.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Optional;
import picocli.CommandLine;

/**
 * Command lines as NSQ's Go binaries read them: {@code -flag=value}, {@code --flag=value}, {@code --flag value};
 * durations in Go form; unknown flags and bad values end the program with a clear message and exit code 2, as
 * Go's flag package does. Every {@code bin/} launcher parses its options through here.
 */
public final class GoFlags {

    public static final int EXIT_USAGE = 2;

    static {
        // picocli's default factory otherwise looks for Groovy's Closure class, and a class that is not there is a
        // failed lookup through every jar of the class path: ~20 ms of each start. (Every @Command here also says
        // addMethodSubcommands = false, which spares picocli a reflective scan of the class's methods: ~20 ms more.)
        System.setProperty("picocli.disable.closures", "true");
    }

    private GoFlags() {
    }

    /** Go accepts one dash or two for a long flag; picocli wants two. {@code -h} stays as it is. */
    public static String[] normalize(String[] args) {
        String[] out = Arrays.copyOf(args, args.length);
        for (int i = 0; i < out.length; i++) {
            String a = out[i];
            if (a.equals("--")) {
                break;
            }
            if (a.startsWith("-") && !a.startsWith("--") && a.length() > 2 && Character.isLetter(a.charAt(1))) {
                int eq = a.indexOf('=');
                String name = eq < 0 ? a.substring(1) : a.substring(1, eq);
                if (name.length() > 1) {
                    out[i] = "-" + a;
                }
            }
        }
        return out;
    }

    /** A picocli command line set up the NSQ way for {@code options} (an {@code @Command}-annotated object). */
    public static CommandLine commandLine(Object options) {
        CommandLine cl = new CommandLine(options);
        cl.registerConverter(java.time.Duration.class, new GoDuration());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUsageHelpLongOptionsMaxWidth(36);
        return cl;
    }

    /**
     * Parses {@code args} into {@code options} for a long-running server. Returns the options when the program should
     * go on; prints help or version and returns an exit code (0) when asked for them; prints the error and usage
     * and returns {@link #EXIT_USAGE} on a bad command line.
     */
    public static <T> Parsed<T> parse(T options, String[] args) {
        CommandLine cl = commandLine(options);
        PrintWriter err = cl.getErr();
        try {
            CommandLine.ParseResult result = cl.parseArgs(normalize(args));
            if (cl.isUsageHelpRequested()) {
                cl.usage(cl.getOut());
                return new Parsed<>(null, 0);
            }
            if (cl.isVersionHelpRequested()) {
                cl.printVersionHelp(cl.getOut());
                return new Parsed<>(null, 0);
            }
            if (options instanceof Validating v) {
                Optional<String> problem = v.validate();
                if (problem.isPresent()) {
                    err.println(cl.getCommandName() + ": " + problem.get());
                    err.flush();
                    return new Parsed<>(null, EXIT_USAGE);
                }
            }
            return new Parsed<>(options, -1);
        } catch (CommandLine.ParameterException e) {
            err.println(cl.getCommandName() + ": " + e.getMessage());
            err.println("Run '" + cl.getCommandName() + " --help' for the list of flags.");
            err.flush();
            return new Parsed<>(null, EXIT_USAGE);
        }
    }

    /** Runs a one-shot tool command ({@code Callable<Integer>} or {@code Runnable}); returns its exit code. */
    public static int execute(Object command, String[] args) {
        CommandLine cl = commandLine(command);
        cl.setParameterExceptionHandler((e, a) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println(c.getCommandName() + ": " + e.getMessage());
            c.getErr().println("Run '" + c.getCommandName() + " --help' for the list of flags.");
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((e, c, r) -> {
            c.getErr().println(c.getCommandName() + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        return cl.execute(normalize(args));
    }

    /** The outcome of {@link #parse}: either options to run with, or an exit code to leave with. */
    public record Parsed<T>(T options, int exitCode) {
        public boolean shouldRun() {
            return options != null;
        }
    }

    /** Options that check combinations picocli can't express; a message means "exit 2 with this". */
    public interface Validating {
        Optional<String> validate();
    }
}
