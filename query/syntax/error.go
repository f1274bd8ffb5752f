package syntax

import "fmt"

// Pos is a 1-based position in query text.
type Pos struct {
	Line, Col int
}

// Error is a query error at a position: a parse error, or a semantic error
// found by the planner before anything runs.
type Error struct {
	Pos Pos
	Msg string
	// Err, when set, is the sentinel error this one is a case of (such
	// as plan.ErrUnknownTable), for errors.Is.
	Err error
}

func (e *Error) Error() string { return fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Col, e.Msg) }

// Unwrap returns the sentinel error this one is a case of, or nil.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error at pos.
func Errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}
