package api

import (
	"bytes"
	"io/fs"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/roundsdev/rounds/fixtures"
	"github.com/roundsdev/rounds/web"
)

// pageCSP is the Content-Security-Policy of the page and its files: they
// load nothing but themselves and the API of the same origin.
const pageCSP = "default-src 'self'"

// boroughsFile is the path under /page/ of the London borough boundaries
// the page draws its map over.
const boroughsFile = "boroughs.geojson"

// pageRoutes serves the coordinator's page (package web) at / and its
// files under /page/. These routes are not API operations: they are not in
// the OpenAPI document and need no key (the page asks for one and sends
// it to /v1 itself).
func (s *Server) pageRoutes(e *echo.Echo) {
	assets := web.Assets()
	started := time.Now()
	serve := func(c echo.Context, name string, content []byte) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", pageCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-cache")
		http.ServeContent(c.Response(), c.Request(), name, started, bytes.NewReader(content))
		return nil
	}
	e.GET("/", func(c echo.Context) error {
		b, err := fs.ReadFile(assets, "index.html")
		if err != nil {
			return err
		}
		return serve(c, "index.html", b)
	})
	e.GET("/page/*", func(c echo.Context) error {
		name := c.Param("*")
		if name == boroughsFile {
			return serve(c, name, fixtures.BoroughBoundaries())
		}
		if !fs.ValidPath(name) {
			return echo.ErrNotFound
		}
		b, err := fs.ReadFile(assets, name)
		if err != nil {
			return echo.ErrNotFound
		}
		return serve(c, name, b)
	})
}
