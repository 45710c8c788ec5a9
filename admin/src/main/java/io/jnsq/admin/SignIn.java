package io.jnsq.admin;

import io.vertx.core.Vertx;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.sstore.LocalSessionStore;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Who may use nsqadmin, in front of every route:
 * <ul>
 * <li>CSRF: an action (any method but GET, HEAD, OPTIONS) sent by a browser from another site is refused 403
 * {@code CSRF_REFUSED}: its {@code Sec-Fetch-Site}, {@code Origin} or {@code Referer} names another origin. Scripts
 * (curl, no such headers) are not browsers and are not refused. The session cookie is {@code SameSite=Strict} and
 * {@code HttpOnly}, so another site cannot send it at all.</li>
 * <li>Sign-in, with {@code --users-file}: every page but the sign-in form needs a session (pages redirect to it,
 * the API answers 401 {@code UNAUTHORIZED}); the signed-in name replaces whatever {@code --acl-http-header} the
 * request carried, so the rest of nsqadmin (admin checks, notifications) sees the user; roles come from the file.
 * Without it, nsqadmin's own {@code --admin-user} + {@code --acl-http-header} apply, as in NSQ.</li>
 * </ul>
 */
@Singleton
public class SignIn {

    private static final Logger LOG = Logger.getLogger(SignIn.class);
    private static final Logger AUDIT = Logger.getLogger("io.jnsq.admin.audit");
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
    static final String SESSION_COOKIE = "nsqadmin_session";

    private final AdminOptions opts;
    private final Vertx vertx;
    private final Users users;

    public SignIn(AdminOptions opts, Vertx vertx) {
        this.opts = opts;
        this.vertx = vertx;
        try {
            this.users = opts.usersFile.isEmpty() ? null : Users.read(Path.of(opts.usersFile));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean enabled() {
        return users != null;
    }

    /** With sign-in, whether the signed-in {@code user} has the admin role; without, nsqadmin's --admin-user rule. */
    boolean isAdmin(String user) {
        if (users == null) {
            return opts.adminUsers.isEmpty() || (user != null && opts.adminUsers.contains(user));
        }
        return user != null && users.get(user).map(u -> u.role() == Users.Role.ADMIN).orElse(false);
    }

    void routes(@Observes Router router) {
        String p = opts.prefix();
        router.route().order(-1000).handler(this::refuseCrossSiteActions);
        if (users == null) {
            return;
        }
        router.route().order(-999).handler(SessionHandler.create(LocalSessionStore.create(vertx))
                .setSessionCookieName(SESSION_COOKIE)
                .setCookieHttpOnlyFlag(true)
                .setCookieSameSite(CookieSameSite.STRICT)
                .setSessionTimeout(opts.sessionTimeout.toMillis()));
        router.route(p + "/login").order(-998).handler(BodyHandler.create(false).setBodyLimit(16 * 1024));
        router.get(p + "/login").order(-997).handler(ctx -> loginForm(ctx, 200, ""));
        router.post(p + "/login").order(-997).blockingHandler(this::login);
        router.post(p + "/logout").order(-997).handler(ctx -> {
            Session s = ctx.session();
            if (s != null) {
                AUDIT.infof("%s signed out", (Object) s.get("user"));
                s.destroy();
            }
            redirect(ctx, p + "/login");
        });
        router.route().order(-996).handler(this::requireSession);
    }

    private void refuseCrossSiteActions(RoutingContext ctx) {
        if (SAFE.contains(ctx.request().method()) || sameOrigin(ctx)) {
            ctx.next();
            return;
        }
        AUDIT.warnf("refused a cross-site %s %s (Origin %s, Referer %s)", ctx.request().method(), ctx.request().path(),
                ctx.request().getHeader("Origin"), ctx.request().getHeader("Referer"));
        AdminApi.error(ctx, 403, "CSRF_REFUSED");
    }

    private static boolean sameOrigin(RoutingContext ctx) {
        String fetchSite = ctx.request().getHeader("Sec-Fetch-Site");
        if (fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none")) {
            return false;
        }
        String origin = ctx.request().getHeader("Origin");
        if (origin == null) {
            String referer = ctx.request().getHeader("Referer");
            if (referer == null) {
                return true; // not a browser: nothing to forge
            }
            origin = referer;
        }
        try {
            URI o = URI.create(origin);
            String host = ctx.request().authority() == null ? null : ctx.request().authority().toString();
            String hostPort = o.getPort() < 0 ? o.getHost() : o.getHost() + ":" + o.getPort();
            return host != null && (host.equalsIgnoreCase(hostPort) || host.equalsIgnoreCase(o.getRawAuthority()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void requireSession(RoutingContext ctx) {
        ctx.request().headers().remove(opts.aclHttpHeader); // only a session says who this is
        String path = ctx.request().path();
        String p = opts.prefix();
        if (path.equals(p + "/ping") || path.startsWith(p + "/static/")) {
            ctx.next();
            return;
        }
        Session s = ctx.session();
        String user = s == null ? null : s.get("user");
        if (user != null && users.get(user).isPresent()) {
            ctx.request().headers().set(opts.aclHttpHeader, user);
            ctx.next();
            return;
        }
        if (path.startsWith(p + "/api/") || path.startsWith(p + "/config/") || !SAFE.contains(ctx.request().method())) {
            AdminApi.error(ctx, 401, "UNAUTHORIZED");
        } else {
            redirect(ctx, p + "/login");
        }
    }

    private void login(RoutingContext ctx) {
        String name = Optional.ofNullable(ctx.request().getFormAttribute("user")).orElse("");
        String password = Optional.ofNullable(ctx.request().getFormAttribute("password")).orElse("");
        Optional<Users.User> user = users.signIn(name, password);
        if (user.isEmpty()) {
            AUDIT.warnf("failed sign-in as '%s' from %s", name, ctx.request().remoteAddress());
            loginForm(ctx, 401, "Wrong user name or password.");
            return;
        }
        ctx.session().regenerateId(); // no session fixation
        ctx.session().put("user", user.get().name());
        AUDIT.infof("%s signed in (%s) from %s", user.get().name(), user.get().role().name().toLowerCase(),
                ctx.request().remoteAddress());
        redirect(ctx, opts.prefix() + "/");
    }

    private void loginForm(RoutingContext ctx, int status, String problem) {
        String p = opts.prefix();
        ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8").end("""
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><title>nsqadmin: sign in</title>
                <link rel="stylesheet" href="%s/static/admin.css"></head>
                <body><main class="signin"><h1>nsqadmin</h1>
                <form method="post" action="%s/login">
                <p class="error">%s</p>
                <label>User <input name="user" autocomplete="username" required autofocus></label>
                <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
                <button type="submit">Sign in</button>
                </form></main></body></html>
                """.formatted(p, p, problem));
    }

    private static void redirect(RoutingContext ctx, String to) {
        ctx.response().setStatusCode(303).putHeader("Location", to).end();
    }
}
