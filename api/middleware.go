package api

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/roundsdev/rounds"
)

// RequestIDHeader carries the request id in and out.
const RequestIDHeader = "X-Request-Id"

// requestID takes the caller's request id (if sane) or makes one, and
// echoes it in the response.
func (s *Server) requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(RequestIDHeader)
		if len(id) == 0 || len(id) > 64 || rounds.ValidID("id", id) != nil {
			var b [8]byte
			rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		c.Set("request_id", id)
		c.Response().Header().Set(RequestIDHeader, id)
		return next(c)
	}
}

func requestID(c echo.Context) string {
	id, _ := c.Get("request_id").(string)
	return id
}

// logRequests logs one line per request and times it: the route pattern,
// never the body or query, so no names or addresses reach the log.
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		status := c.Response().Status
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		elapsed := time.Since(start)
		s.metrics.requests.WithLabelValues(c.Request().Method, route, strconv.Itoa(status)).Observe(elapsed.Seconds())
		if strings.HasPrefix(route, "/metrics") || strings.HasPrefix(route, "/healthz") {
			return nil
		}
		key := ""
		if k := rounds.KeyFromContext(c.Request().Context()); k != nil {
			key = k.ID
		}
		s.log.LogAttrs(c.Request().Context(), logLevel(status), "request",
			slog.String("request_id", requestID(c)), slog.String("method", c.Request().Method), slog.String("route", route),
			slog.Int("status", status), slog.Duration("duration", elapsed), slog.String("key", key))
		return nil
	}
}

// limitBody caps the request body at MaxBodyBytes: a longer body, declared
// or sent chunked, fails with an *http.MaxBytesError, answered 413.
func (s *Server) limitBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.ContentLength > s.cfg.MaxBodyBytes {
			return &http.MaxBytesError{Limit: s.cfg.MaxBodyBytes}
		}
		r.Body = http.MaxBytesReader(c.Response(), r.Body, s.cfg.MaxBodyBytes)
		return next(c)
	}
}

// checkParams refuses, with a 422 naming the parameter, path parameters
// that are not ids and query parameters that no store keeps as sent (a
// NUL, bytes that are not UTF-8), before anything, authorisation
// included, takes them to the store. An id's syntax is no secret, so this
// may answer before the key is checked.
func checkParams(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		for _, name := range c.ParamNames() {
			if err := rounds.ValidID(name, c.Param(name)); err != nil {
				return err
			}
		}
		for name, values := range c.QueryParams() {
			if err := rounds.ValidText("query", name); err != nil {
				return err
			}
			for _, v := range values {
				if err := rounds.ValidText(name, v); err != nil {
					return err
				}
			}
		}
		return next(c)
	}
}

// logLevel logs server errors as errors and the rest as info.
func logLevel(status int) slog.Level {
	if status >= 500 {
		return slog.LevelError
	}
	return slog.LevelInfo
}
