// Package web holds the coordinator's page: the HTML, CSS and plain
// JavaScript (ES modules, no build step, nothing fetched from elsewhere)
// that `rounds serve` serves at / so that a coordinator can sign in with
// an API key, plan a team's day, see its timeline, map, unassigned visits
// and figures, move and pin visits, publish and compare versions, see the
// live day, dispatch a referral and compare what-if scenarios. The page
// talks to the /v1 API only; api/page.go serves these files.
package web

import (
	"embed"
	"io/fs"
)

//go:embed page
var files embed.FS

// Assets returns the page's files: index.html at the root and the
// stylesheet and scripts it loads.
func Assets() fs.FS {
	sub, err := fs.Sub(files, "page")
	if err != nil {
		panic(err) // "page" is embedded above: programmer error
	}
	return sub
}
