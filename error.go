package rounds

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes shared by every package; the api maps each to an HTTP status.
const (
	ECONFLICT     = "conflict"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	EINFEASIBLE   = "infeasible"
	ENOTFOUND     = "not_found"
	EUNAUTHORIZED = "unauthorized"
)

// Error is a domain error: a machine-readable code, the request field it is
// about (if any), the offending value and a message for a person.
type Error struct {
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Value   string `json:"value,omitempty"`
	Message string `json:"message"`
}

// Error returns "field = value: message", leaving out the parts that are empty.
func (e *Error) Error() string {
	switch {
	case e.Field != "" && e.Value != "":
		return fmt.Sprintf("%s = %s: %s", e.Field, e.Value, e.Message)
	case e.Field != "":
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

// Errorf returns an Error with a code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error about one field of a request, quoting
// its value.
func Invalid(field string, value any, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Value: fmt.Sprint(value), Message: fmt.Sprintf(format, args...)}
}

// Within returns err with prefix before its field if it is an *Error
// about a field of a part of something larger ("horizonDays" in a file
// sent as "file": "file.horizonDays"); other errors as they are.
func Within(prefix string, err error) error { return Refield(err, "", prefix) }

// Refield returns err with the start old of its field replaced by new if
// it is an *Error whose field starts so ("workers[2].role" of a staff
// list checked as a request's workers: "team.staff[2].role"); other
// errors as they are.
func Refield(err error, old, new string) error {
	var e *Error
	if errors.As(err, &e) && e.Field != "" && strings.HasPrefix(e.Field, old) {
		c := *e
		c.Field = new + strings.TrimPrefix(c.Field, old)
		return &c
	}
	return err
}

// ErrorCode returns the code of err if it is (or wraps) an *Error, and
// EINTERNAL otherwise. It returns "" for a nil error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}
