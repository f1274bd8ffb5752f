package report

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"html/template"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// MinTokenLength is the shortest token the server takes: a token is the
// only thing between the network and the analyst's evidence, and 16
// characters of a random token are beyond guessing over HTTP.
const MinTokenLength = 16

// CheckToken says why a token cannot protect the server ("" is no token:
// loopback only).
func CheckToken(token string) error {
	if token != "" && len(token) < MinTokenLength {
		return fmt.Errorf("the token has %d characters; it needs at least %d (a random one: openssl rand -hex 16)", len(token), MinTokenLength)
	}
	return nil
}

// Paths of the browser login.
const (
	PathLogin  = "/login"
	PathLogout = "/logout"
)

// sessionCookie names the cookie a browser gets for the token.
const sessionCookie = "clickhunt_session"

// sessionLife is how long a browser session lasts after the login.
const sessionLife = 12 * time.Hour

// sessions are the browser sessions: random ids given out for the token
// at the login form, kept in memory (a restart logs everyone out).
type sessions struct {
	mu  sync.Mutex
	ids map[string]time.Time // id => expiry
}

func (ss *sessions) create() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	id := hex.EncodeToString(b)
	ss.mu.Lock()
	defer ss.mu.Unlock()
	now := time.Now()
	for k, exp := range ss.ids {
		if now.After(exp) {
			delete(ss.ids, k)
		}
	}
	ss.ids[id] = now.Add(sessionLife)
	return id, nil
}

func (ss *sessions) valid(id string) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	exp, ok := ss.ids[id]
	return ok && time.Now().Before(exp)
}

func (ss *sessions) remove(id string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.ids, id)
}

// crossSite reports a request another site's page made the browser send:
// Sec-Fetch-Site says so, or an Origin names another host. A top-level
// navigation (the user following a link to the report) may come from
// anywhere: it carries no session cookie (SameSite=Strict) and its answer
// goes to the user, not to the other page. Clients that send neither
// header (curl, scripts) are no browser acting for another site.
func crossSite(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "cross-site", "same-site":
		return !((r.Method == http.MethodGet || r.Method == http.MethodHead) && r.Header.Get("Sec-Fetch-Mode") == "navigate")
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	u, err := url.Parse(origin)
	return err != nil || u.Host == "" || !strings.EqualFold(u.Host, r.Host)
}

// mediaType is a request's Content-Type without parameters, lower case.
func mediaType(r *http.Request) string {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return ""
	}
	return strings.ToLower(mt)
}

// authorized reports whether a request carries the token: as a bearer
// header (scripts) or as a session cookie from the login form (browsers).
func (s *server) authorized(r *http.Request) bool {
	if got := r.Header.Get("Authorization"); got != "" {
		return subtle.ConstantTimeCompare([]byte(got), []byte("Bearer "+s.o.Token)) == 1
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		return s.sessions.valid(c.Value)
	}
	return false
}

// wantsPage reports whether a request is a browser asking for a page (to
// show it the login form rather than a JSON error).
func wantsPage(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.Contains(r.Header.Get("Accept"), "text/html")
}

// login exchanges the token, posted from the login form, for a session
// cookie: HttpOnly (no script reads it) and SameSite=Strict (no other
// site's page sends it).
func (s *server) login(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.loginPage(w, http.StatusBadRequest, "The form could not be read.")
		return
	}
	token := r.PostForm.Get("token")
	if s.o.Token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(s.o.Token)) != 1 {
		s.loginPage(w, http.StatusUnauthorized, "Wrong token.")
		return
	}
	id, err := s.sessions.create()
	if err != nil {
		fail(w, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", MaxAge: int(sessionLife / time.Second),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// logout ends the browser's session.
func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		s.sessions.remove(c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *server) loginPage(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	loginTemplate.Execute(w, msg)
}

var loginTemplate = template.Must(template.New("login").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Safe Links report: sign in</title>
<style>
body{font-family:Helvetica,Arial,sans-serif;margin:0;color:#222;background:#f4f5f7}
header{background:#1f3a5f;color:#fff;padding:1em 2em}
header h1{margin:0;font-size:1.6em}
form{background:#fff;border:1px solid #dde;border-radius:6px;padding:1.2em 1.5em;margin:2em;max-width:28em}
label{display:flex;flex-direction:column;gap:.3em;margin-bottom:1em}
input{padding:.4em;font-size:1em}
button{padding:.4em 1.2em}
.error{color:#b00020}
</style>
</head>
<body>
<header><h1>Safe Links report</h1></header>
<form method="post" action="/login">
<p>This server needs the token it was started with (clickhunt serve --token).</p>
{{if .}}<p class="error">{{.}}</p>{{end}}
<label>Token<input type="password" name="token" autocomplete="current-password" autofocus required></label>
<button type="submit">Sign in</button>
</form>
</body>
</html>
`))
