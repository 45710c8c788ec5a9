package io.jnsq.admin;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationRedirectException;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
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
import java.util.function.BiConsumer;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * Who may use nsqadmin, in front of every route:
 * <ul>
 * <li>CSRF: an action (any method but GET, HEAD, OPTIONS) sent by a browser from another site is refused 403
 * {@code CSRF_REFUSED}: its {@code Sec-Fetch-Site}, {@code Origin} or {@code Referer} names another origin. Scripts
 * (curl, no such headers) are not browsers and are not refused. The session cookie is {@code SameSite=Strict} and
 * {@code HttpOnly}, so another site cannot send it at all.</li>
 * <li>Sign-in, with {@code --users-file} or {@code --oidc-issuer} (or both): every page but the sign-in page needs a
 * session (pages redirect to it, the API answers 401 {@code UNAUTHORIZED}); the signed-in name replaces whatever
 * {@code --acl-http-header} the request carried, so the rest of nsqadmin (notifications, audit) sees the user, and
 * the role (from the file, or from the OIDC groups claim) decides who may act.
 * Without either, nsqadmin's own {@code --admin-user} + {@code --acl-http-header} apply, as in NSQ.</li>
 * </ul>
 * An OIDC sign-in ends in the same session as a users-file one: Quarkus OIDC runs the code flow on
 * {@link OidcSignIn#PATH}, this class maps the identity it verified, starts nsqadmin's session and drops Quarkus'
 * own session cookie, so that signing out of nsqadmin is signing out.
 */
@Singleton
public class SignIn {

    private static final Logger AUDIT = Logger.getLogger("io.jnsq.admin.audit");
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
    static final String SESSION_COOKIE = "nsqadmin_session";
    /** The signed-in user's role, for this request (set from the session). */
    private static final String ROLE = "nsqadmin.role";
    /** Quarkus OIDC's session cookie (and its chunks); not needed once nsqadmin's session holds the user. */
    private static final String QUARKUS_OIDC_SESSION = "q_session";
    /** Before Quarkus' authorization (order -100), after its authentication step (-200). */
    private static final int BEFORE_QUARKUS_AUTHORIZATION = -150;
    private static final int AFTER_QUARKUS_AUTHORIZATION = -50;

    private final AdminOptions opts;
    private final Vertx vertx;
    private final Users users;
    private final boolean oidc;

    public SignIn(AdminOptions opts, Vertx vertx) {
        this.opts = opts;
        this.vertx = vertx;
        this.oidc = OidcSignIn.enabled(opts);
        try {
            this.users = opts.usersFile.isEmpty() ? null : Users.read(Path.of(opts.usersFile));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    boolean enabled() {
        return users != null || oidc;
    }

    /** The signed-in user's name, with sign-in on; else empty. */
    Optional<String> signedIn(RoutingContext ctx) {
        return enabled() ? Optional.ofNullable(ctx.request().getHeader(opts.aclHttpHeader)) : Optional.empty();
    }

    /**
     * With sign-in, whether the signed-in user has the admin role; without, nsqadmin's rule: anyone when no
     * --admin-user is given, else the users it names, as the --acl-http-header says.
     */
    boolean isAdmin(RoutingContext ctx) {
        if (enabled()) {
            return ctx.get(ROLE) == Users.Role.ADMIN;
        }
        String user = ctx.request().getHeader(opts.aclHttpHeader);
        return opts.adminUsers.isEmpty() || (user != null && opts.adminUsers.contains(user));
    }

    void routes(@Observes Router router) {
        String p = opts.prefix();
        router.route().order(-1000).handler(this::refuseCrossSiteActions);
        if (!enabled()) {
            return;
        }
        router.route().order(-999).handler(SessionHandler.create(LocalSessionStore.create(vertx))
                .setSessionCookieName(SESSION_COOKIE)
                .setCookieHttpOnlyFlag(true)
                .setCookieSameSite(CookieSameSite.STRICT)
                .setSessionTimeout(opts.sessionTimeout.toMillis()));
        router.get(p + "/login").order(-997).handler(this::signInPage);
        if (users != null) {
            router.route(p + "/login").order(-998).handler(BodyHandler.create(false).setBodyLimit(16 * 1024));
            router.post(p + "/login").order(-997).blockingHandler(this::login);
        }
        router.post(p + "/logout").order(-997).handler(ctx -> {
            Session s = ctx.session();
            if (s != null) {
                AUDIT.infof("%s signed out", (Object) s.get("user"));
                s.destroy();
            }
            redirect(ctx, p + "/login");
        });
        router.route().order(-996).handler(this::requireSession);
        if (oidc) {
            router.get(p + OidcSignIn.PATH).order(BEFORE_QUARKUS_AUTHORIZATION).handler(this::explainOidcFailures);
            router.get(p + OidcSignIn.PATH).order(AFTER_QUARKUS_AUTHORIZATION).handler(this::oidcSignedIn)
                    .failureHandler(this::oidcFailed);
        }
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
        if (path.equals(p + "/ping") || path.startsWith(p + "/static/") || (oidc && path.equals(p + OidcSignIn.PATH))) {
            ctx.next();
            return;
        }
        Session s = ctx.session();
        String user = s == null ? null : s.get("user");
        String role = s == null ? null : s.get("role");
        if (user != null && role != null) {
            ctx.request().headers().set(opts.aclHttpHeader, user);
            ctx.put(ROLE, Users.Role.valueOf(role));
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
            signInPage(ctx, 401, "Wrong user name or password.");
            return;
        }
        startSession(ctx, user.get().name(), user.get().role());
        AUDIT.infof("%s signed in (%s) from %s", user.get().name(), user.get().role().name().toLowerCase(),
                ctx.request().remoteAddress());
        redirect(ctx, opts.prefix() + "/");
    }

    private static void startSession(RoutingContext ctx, String user, Users.Role role) {
        ctx.session().regenerateId(); // no session fixation
        ctx.session().put("user", user);
        ctx.session().put("role", role.name());
    }

    /**
     * The end of an OIDC sign-in: Quarkus OIDC has exchanged the code and verified the ID token (only an
     * authenticated request reaches this, by the permission {@link OidcSignIn#quarkusConfig} sets).
     */
    private void oidcSignedIn(RoutingContext ctx) {
        if (!(ctx.user() instanceof QuarkusHttpUser user)
                || !(user.getSecurityIdentity().getPrincipal() instanceof JsonWebToken idToken)) {
            oidcFailed(ctx, 401, "the identity provider's answer carried no ID token");
            return;
        }
        OidcSignIn.Identity who;
        try {
            AccessTokenCredential access = user.getSecurityIdentity().getCredential(AccessTokenCredential.class);
            who = OidcSignIn.identity(idToken.getRawToken(), access == null ? null : access.getToken(), opts.oidcRolesClaim,
                    opts.oidcAdminGroups);
        } catch (IllegalArgumentException e) {
            oidcFailed(ctx, 401, e.getMessage());
            return;
        }
        for (Cookie c : ctx.request().cookies()) {
            if (c.getName().startsWith(QUARKUS_OIDC_SESSION)) {
                ctx.response().addCookie(Cookie.cookie(c.getName(), "").setMaxAge(0)
                        .setPath(opts.prefix().isEmpty() ? "/" : opts.prefix()));
            }
        }
        startSession(ctx, who.name(), who.role());
        AUDIT.infof("%s signed in (%s) with OpenID Connect from %s (%s: %s)", who.name(),
                who.role().name().toLowerCase(), ctx.request().remoteAddress(), opts.oidcRolesClaim, who.groups());
        // The browser came here from the provider's site: it would not send a SameSite=Strict cookie along a redirect
        // that site started. A page of ours that moves on starts a navigation of our own, which does.
        String home = escape(opts.prefix() + "/");
        page(ctx, 200, "Signed in", """
                <meta http-equiv="refresh" content="0; url=%s">""".formatted(home), """
                <p class="result">Signed in as <strong class="user">%s</strong> (%s).</p>
                <p><a class="button" href="%s">Continue</a></p>""".formatted(escape(who.name()),
                who.role().name().toLowerCase(), home));
    }

    /**
     * Quarkus answers a failed code exchange (a wrong client secret, a code the provider refuses) with a bare 401.
     * On the way back from the provider, such a failure is left unanswered here, so that Quarkus' authorization
     * step fails the request and {@link #oidcFailed(RoutingContext)} says what happened. Redirects and challenges
     * stay Quarkus'.
     */
    private void explainOidcFailures(RoutingContext ctx) {
        BiConsumer<RoutingContext, Throwable> quarkus = ctx.get(QuarkusHttpUser.AUTH_FAILURE_HANDLER);
        ctx.put(QuarkusHttpUser.AUTH_FAILURE_HANDLER, (BiConsumer<RoutingContext, Throwable>) (c, failure) -> {
            boolean callback = c.request().getParam("code") != null || c.request().getParam("state") != null;
            if (quarkus != null && (rootCause(failure) instanceof AuthenticationRedirectException || !callback)) {
                quarkus.accept(c, failure);
            }
        });
        ctx.next();
    }

    /** A failed OIDC sign-in: the provider refused to complete it, or cannot be reached. */
    private void oidcFailed(RoutingContext ctx) {
        Throwable root = rootCause(ctx.failure());
        for (Throwable t = ctx.failure(); t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof AuthenticationCompletionException) {
                oidcFailed(ctx, 401, "the identity provider did not complete it (" + describe(root)
                        + "). Check --oidc-client-id and the client secret.");
                return;
            }
        }
        oidcFailed(ctx, 502, "the identity provider at " + opts.oidcIssuer + " cannot be reached or did not answer as an"
                + " OpenID Connect provider (" + describe(root) + ").");
    }

    private void oidcFailed(RoutingContext ctx, int status, String why) {
        AUDIT.warnf("failed OIDC sign-in from %s: %s", ctx.request().remoteAddress(), why);
        if (!ctx.response().headWritten()) {
            signInPage(ctx, status, "Sign-in with OpenID Connect failed: " + why);
        } else if (!ctx.response().ended()) {
            ctx.response().end();
        }
    }

    private static Throwable rootCause(Throwable t) {
        Throwable root = t;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static String describe(Throwable t) {
        if (t == null) {
            return "no reason given";
        }
        return t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName() : t.getMessage();
    }

    private void signInPage(RoutingContext ctx) {
        // the provider's refusal (the user cancelled, the client is unknown ...) arrives here as error, error_description
        String error = ctx.request().getParam("error");
        if (oidc && error != null) {
            String description = ctx.request().getParam("error_description");
            description = description == null || description.length() <= 200 ? description : description.substring(0, 200) + "…";
            String why = "the identity provider answered " + error + (description == null ? "" : ": " + description);
            AUDIT.warnf("failed OIDC sign-in from %s: %s", ctx.request().remoteAddress(), why);
            signInPage(ctx, 401, "Sign-in with OpenID Connect failed: " + why);
            return;
        }
        signInPage(ctx, 200, "");
    }

    private void signInPage(RoutingContext ctx, int status, String problem) {
        String p = opts.prefix();
        StringBuilder body = new StringBuilder("<p class=\"error\">").append(escape(problem)).append("</p>\n");
        if (oidc) {
            body.append("""
                    <p><a class="button oidc" href="%s%s">Sign in with OpenID Connect</a></p>
                    """.formatted(p, OidcSignIn.PATH));
        }
        if (users != null) {
            body.append(oidc ? "<p class=\"or\">or, with a user of this nsqadmin:</p>\n" : "").append("""
                    <form method="post" action="%s/login">
                    <label>User <input name="user" autocomplete="username" required autofocus></label>
                    <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
                    <button type="submit">Sign in</button>
                    </form>
                    """.formatted(p));
        }
        page(ctx, status, "sign in", "", body.toString());
    }

    private void page(RoutingContext ctx, int status, String title, String head, String body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Cache-Control", "no-store").end("""
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><title>nsqadmin: %s</title>
                <link rel="stylesheet" href="%s/static/admin.css">%s</head>
                <body><main class="signin"><h1>nsqadmin</h1>
                %s</main></body></html>
                """.formatted(title, opts.prefix(), head, body));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static void redirect(RoutingContext ctx, String to) {
        ctx.response().setStatusCode(303).putHeader("Location", to).end();
    }
}
