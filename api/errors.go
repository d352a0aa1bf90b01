package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/roundsdev/rounds"
)

// statusOf is the one table from domain error codes to HTTP statuses.
var statusOf = map[string]int{
	rounds.EINVALID:      http.StatusUnprocessableEntity,
	rounds.ENOTFOUND:     http.StatusNotFound,
	rounds.ECONFLICT:     http.StatusConflict,
	rounds.EINFEASIBLE:   http.StatusUnprocessableEntity,
	rounds.EUNAUTHORIZED: http.StatusForbidden,
	rounds.EINTERNAL:     http.StatusInternalServerError,
}

// errUnauthenticated is a request without a valid key: 401, not 403.
var errUnauthenticated = &rounds.Error{Code: rounds.EUNAUTHORIZED, Field: "Authorization", Message: "a valid bearer API key is required"}

// ErrorBody is the JSON body of every error response.
type ErrorBody struct {
	Error rounds.Error `json:"error"`
	// Violations lists the hard rules a rejected roster edit breaks.
	Violations []string `json:"violations,omitempty"`
	// Dispatch holds, with a 409 for an accept on a stale roster version,
	// the options worked out afresh on the latest version.
	Dispatch *rounds.Dispatch `json:"dispatch,omitempty"`
}

// violationsError is an EINVALID edit with the rules it breaks.
type violationsError struct {
	err        *rounds.Error
	violations []string
}

func (e *violationsError) Error() string { return e.err.Error() }

func (e *violationsError) Unwrap() error { return e.err }

// handleError writes err as an ErrorBody with the status of its code.
// Anything uncoded is logged and answered with a bare 500.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	body := ErrorBody{}
	status := http.StatusInternalServerError
	var he *echo.HTTPError
	var de *rounds.Error
	var ve *violationsError
	var se *staleError
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		status = http.StatusRequestEntityTooLarge
		body.Error = rounds.Error{Code: rounds.EINVALID, Field: "body", Value: c.Request().Header.Get("Content-Length"),
			Message: fmt.Sprintf("the request body is over the limit of %d bytes", tooLarge.Limit)}
	case errors.As(err, &he):
		status = he.Code
		msg, _ := he.Message.(string)
		body.Error = rounds.Error{Code: codeOf(status), Message: msg}
	case errors.Is(err, errUnauthenticated):
		status, body.Error = http.StatusUnauthorized, *errUnauthenticated
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="rounds"`)
	case errors.As(err, &de) && de.Code != rounds.EINTERNAL:
		status, body.Error = statusOf[de.Code], *de
		if status == 0 {
			status = http.StatusInternalServerError
		}
		if errors.As(err, &ve) {
			body.Violations = ve.violations
		}
		if errors.As(err, &se) {
			body.Dispatch = se.dispatch
		}
	default:
		s.log.ErrorContext(c.Request().Context(), "internal error", "request_id", requestID(c), "route", c.Path(), "err", err)
		body.Error = rounds.Error{Code: rounds.EINTERNAL, Message: "internal error; the request id is " + requestID(c)}
	}
	if c.Request().Method == http.MethodHead {
		c.NoContent(status)
		return
	}
	c.JSON(status, body)
}

// codeOf returns the domain code for an HTTP status echo chose itself.
func codeOf(status int) string {
	switch status {
	case http.StatusNotFound, http.StatusMethodNotAllowed:
		return rounds.ENOTFOUND
	case http.StatusUnauthorized, http.StatusForbidden:
		return rounds.EUNAUTHORIZED
	case http.StatusInternalServerError:
		return rounds.EINTERNAL
	}
	return rounds.EINVALID
}
