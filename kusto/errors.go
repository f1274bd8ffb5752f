package kusto

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	kerrors "github.com/Azure/azure-kusto-go/azkustodata/errors"
	v2 "github.com/Azure/azure-kusto-go/azkustodata/query/v2"
)

// Error is what the cluster said was wrong with a query or a request.
type Error struct {
	// Line and Col are the 1-based position in the query text the cluster
	// pointed at; 0 when it gave none.
	Line, Col int
	// Msg is the cluster's message, without the position it held.
	Msg string
	// Code is the cluster's error code (SYN0002, SEM0100, LimitsExceeded...).
	Code string
	// Status is the HTTP status of a refused request; 0 for a failure
	// reported after the results began (a partial failure).
	Status int
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)
	}
	return e.Msg
}

// ErrUnreachable is wrapped by the error of a request that never reached
// the cluster.
var ErrUnreachable = errors.New("cannot reach the cluster")

// ErrAuth is wrapped by the error of a request the cluster refused for
// its credentials, or whose credentials could not be obtained.
var ErrAuth = errors.New("cannot sign in to the cluster")

// explain turns an error of the SDK into one line a user can act on:
// *Error for what the cluster said, ErrUnreachable or ErrAuth wrapped with
// the reason otherwise.
func (c *Client) explain(ctx context.Context, err error, text string) error {
	if ctx.Err() != nil {
		return fmt.Errorf("query cancelled")
	}
	var he *kerrors.HttpError
	if errors.As(err, &he) {
		return c.httpError(he)
	}
	var oe *v2.OneApiError
	if errors.As(err, &oe) {
		msg := oe.ErrorMessage.Description
		if msg == "" {
			msg = oe.ErrorMessage.Message
		}
		e := &Error{Code: oe.ErrorMessage.Code}
		e.Msg, e.Line, e.Col = position(msg)
		e.Msg = "the query failed part way on the cluster, its result is incomplete: " + e.Msg
		if n := countOneAPI(err); n > 1 {
			e.Msg += fmt.Sprintf(" (and %d more errors)", n-1)
		}
		return e
	}
	s := err.Error()
	switch {
	case strings.Contains(s, "Error while getting token"), strings.Contains(s, "credential"):
		return fmt.Errorf("%w %s (%s): %s", ErrAuth, c.url, c.authHint(), firstLine(afterLast(s, "Error while getting token : ")))
	case isNetError(err), strings.Contains(s, "could not validate endpoint"):
		return fmt.Errorf("%w at %s: %s", ErrUnreachable, c.url, firstLine(netReason(err, s)))
	}
	return fmt.Errorf("cluster %s: %s", c.url, firstLine(s))
}

// httpError reads a refused request's body: Kusto sends a OneApi error
// ({"error": {"code", "message", "@message", "innererror"...}}).
func (c *Client) httpError(he *kerrors.HttpError) error {
	e := &Error{Status: he.StatusCode}
	body := he.UnmarshalREST()
	errObj, _ := body["error"].(map[string]any)
	if errObj != nil {
		e.Code, _ = errObj["code"].(string)
		msg, _ := errObj["@message"].(string)
		if msg == "" {
			msg, _ = errObj["message"].(string)
		}
		e.Msg, e.Line, e.Col = position(msg)
		// An inner error may carry the position (and a better code).
		for inner, _ := errObj["innererror"].(map[string]any); inner != nil; inner, _ = inner["innererror"].(map[string]any) {
			if code, _ := inner["code"].(string); code != "" {
				e.Code = code
			}
			if e.Line == 0 {
				l, lok := number(inner, "@line", "line")
				p, pok := number(inner, "@pos", "pos")
				if lok && pok && l > 0 {
					e.Line, e.Col = l, p+1 // pos counts from 0
				}
			}
			if e.Msg == "" {
				m, _ := inner["message"].(string)
				e.Msg, _, _ = position(m)
			}
		}
	}
	switch {
	case he.StatusCode == 401:
		return fmt.Errorf("%w %s (%s): the cluster refused the credentials (401 Unauthorized)%s", ErrAuth, c.url, c.authHint(), suffix(e.Msg))
	case he.StatusCode == 403:
		return fmt.Errorf("%w %s (%s): access to database %s is denied (403 Forbidden)%s", ErrAuth, c.url, c.authHint(), c.db, suffix(e.Msg))
	case e.Msg == "":
		e.Msg = fmt.Sprintf("the cluster refused the request (%d %s)", he.StatusCode, http.StatusText(he.StatusCode))
	}
	return e
}

// position finds where Kusto's message says the error is and returns the
// message without that part. Kusto writes "[line:position=L:C]" (1-based;
// 0:0 for no place), and its syntax errors "... on line [L,C]" (the column
// counted from 0).
func position(msg string) (string, int, int) {
	msg = strings.TrimSpace(msg)
	if m := linePosRE.FindStringSubmatchIndex(msg); m != nil {
		l, _ := strconv.Atoi(msg[m[2]:m[3]])
		c, _ := strconv.Atoi(msg[m[4]:m[5]])
		rest := strings.TrimSpace(msg[:m[0]] + msg[m[1]:])
		rest = strings.TrimSuffix(strings.TrimSpace(rest), ".")
		if l > 0 && c > 0 {
			return rest, l, c
		}
		return rest, 0, 0
	}
	if m := onLineRE.FindStringSubmatchIndex(msg); m != nil {
		l, _ := strconv.Atoi(msg[m[2]:m[3]])
		c, _ := strconv.Atoi(msg[m[4]:m[5]])
		if l > 0 && c >= 0 {
			return strings.TrimSpace(msg[:m[0]] + msg[m[1]:]), l, c + 1
		}
	}
	return msg, 0, 0
}

var (
	linePosRE = regexp.MustCompile(`\s*\[line:position=(\d+):(\d+)\]`)
	onLineRE  = regexp.MustCompile(`\s+on line \[(\d+),\s*(\d+)\]`)
)

// number reads an integer field (a JSON number or a numeric string) under
// any of keys.
func number(m map[string]any, keys ...string) (int, bool) {
	for _, k := range keys {
		switch v := m[k].(type) {
		case float64:
			return int(v), true
		case string:
			if n, err := strconv.Atoi(v); err == nil {
				return n, true
			}
		}
	}
	return 0, false
}

func countOneAPI(err error) int {
	var ce *kerrors.CombinedError
	if errors.As(err, &ce) {
		return len(ce.Errors)
	}
	return 1
}

// authHint says how the client signs in, for messages about credentials.
func (c *Client) authHint() string {
	switch c.auth {
	case AuthToken:
		return "a token from $" + TokenEnv
	case AuthCLI:
		return "Azure CLI login: run az login"
	case AuthMSI:
		return "managed identity"
	case AuthNone:
		return "no credentials"
	}
	return "Azure CLI login, then managed identity: run az login, or set $" + TokenEnv
}

func isNetError(err error) bool {
	var ne net.Error
	var ue *url.Error
	var oe *net.OpError
	return errors.As(err, &ne) || errors.As(err, &ue) || errors.As(err, &oe)
}

// netReason is the innermost network error's text: "connection refused"
// rather than the request the SDK was making.
func netReason(err error, s string) string {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Err.Error()
	}
	for _, marker := range []string{"connect: ", "dial tcp ", ": "} {
		if i := strings.LastIndex(s, marker); i >= 0 && marker != ": " {
			return strings.TrimSpace(s[i+len(marker):])
		}
	}
	return afterLast(s, ": ")
}

func afterLast(s, sep string) string {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[i+len(sep):]
	}
	return s
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	return strings.TrimSuffix(s, ":")
}

func suffix(msg string) string {
	if msg == "" {
		return ""
	}
	return ": " + msg
}
