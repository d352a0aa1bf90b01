package api

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/roundsdev/rounds/memory"
)

// loadDocument fetches /v1/openapi.json and checks it is a valid OpenAPI 3
// document.
func loadDocument(tb testing.TB, e *env) *openapi3.T {
	tb.Helper()
	status, body := e.call(tb, "GET", "/v1/openapi.json", "", nil)
	if status != 200 {
		tb.Fatalf("GET /v1/openapi.json: %d", status)
	}
	doc, err := openapi3.NewLoader().LoadFromData(body)
	if err != nil {
		tb.Fatalf("load document: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		tb.Fatalf("invalid document: %v", err)
	}
	return doc
}

// TestOpenAPIMatchesRouter checks that the document and the router list
// the same operations, but for the coordinator's page (/ and /page/*),
// which is no API operation.
func TestOpenAPIMatchesRouter(t *testing.T) {
	e := newEnv(t, memory.NewStore())
	doc := loadDocument(t, e)
	var inDoc, inRouter []string
	for p, item := range doc.Paths.Map() {
		for m := range item.Operations() {
			inDoc = append(inDoc, m+" "+p)
		}
	}
	for _, r := range e.srv.echo.Routes() {
		if r.Path == "/" || strings.HasPrefix(r.Path, "/page/") {
			continue
		}
		inRouter = append(inRouter, r.Method+" "+pathParam.ReplaceAllString(r.Path, "{$1}"))
	}
	sort.Strings(inDoc)
	sort.Strings(inRouter)
	if strings.Join(inDoc, "\n") != strings.Join(inRouter, "\n") {
		t.Errorf("document operations:\n%s\nrouter routes:\n%s", strings.Join(inDoc, "\n"), strings.Join(inRouter, "\n"))
	}
}

// TestOpenAPIResponses checks real responses of the handlers, errors
// included, against the document's schemas.
func TestOpenAPIResponses(t *testing.T) {
	e := newEnv(t, memory.NewStore())
	doc := loadDocument(t, e)
	worker := `{"id":"w1","role":"nurse","start":{"lat":51.5,"lon":-0.2},"travelMode":"drive","shifts":[{"date":"2025-03-03","start":"08:00","end":"16:00"}]}`
	client := `{"id":"c1","name":"A","location":{"lat":51.5,"lon":-0.21},"consent":true}`
	visit := `{"id":"v1","clientId":"c1","date":"2025-03-03","durationMinutes":30,"priority":"routine","windows":[{"start":"09:00","end":"11:00"}]}`
	calls := []struct{ method, route, path, body string }{
		{"POST", "/v1/teams", "/v1/teams", `{"id":"hf","name":"H&F"}`},
		{"GET", "/v1/teams", "/v1/teams", ""},
		{"GET", "/v1/teams/{team}", "/v1/teams/hf", ""},
		{"POST", "/v1/teams/{team}/workers", "/v1/teams/hf/workers", worker},
		{"POST", "/v1/teams/{team}/clients", "/v1/teams/hf/clients", client},
		{"POST", "/v1/teams/{team}/episodes", "/v1/teams/hf/episodes", `{"id":"e1","clientId":"c1","pathway":"reablement","start":"2025-03-01","end":"2025-03-20"}`},
		{"POST", "/v1/teams/{team}/episodes", "/v1/teams/hf/episodes", `{"id":"e2","clientId":"c1","pathway":"reablement","start":"2025-03-01","end":"2025-03-02","pattern":[{"fromDay":1,"toDay":2,"calls":[{"name":"am","durationMinutes":30,"windows":[{"start":"08:00","end":"09:00"}]},{"name":"pm","durationMinutes":30,"links":[{"call":"am","minGapMinutes":240,"maxGapMinutes":360}]}]}]}`},
		{"POST", "/v1/teams/{team}/episodes/{id}/visits", "/v1/teams/hf/episodes/e2/visits", ""},
		{"POST", "/v1/teams/{team}/episodes/{id}/visits", "/v1/teams/hf/episodes/e2/visits", ""},
		{"POST", "/v1/teams/{team}/visits", "/v1/teams/hf/visits", visit},
		{"GET", "/v1/teams/{team}/visits", "/v1/teams/hf/visits?from=2025-03-03", ""},
		{"GET", "/v1/teams/{team}/workers/{id}", "/v1/teams/hf/workers/w1", ""},
		{"GET", "/v1/teams/{team}/clients/{id}", "/v1/teams/hf/clients/zz", ""},
		{"POST", "/v1/solve", "/v1/solve", `{"team":"hf","workers":[` + worker + `],"clients":[` + client + `],"visits":[` + visit + `],"options":{"timeLimitSeconds":1,"iterations":100}}`},
		{"POST", "/v1/plans", "/v1/plans", `{"team":"hf","from":"2025-03-03","to":"2025-03-03"}`},
		{"POST", "/v1/keys", "/v1/keys", `{"name":"v","role":"viewer","teams":["hf"]}`},
		{"GET", "/v1/keys", "/v1/keys", ""},
		{"GET", "/v1/audit", "/v1/audit?team=hf", ""},
		{"GET", "/healthz", "/healthz", ""},
		{"GET", "/readyz", "/readyz", ""},
		{"POST", "/v1/teams/{team}/workers", "/v1/teams/hf/workers", `{"id":"w2","colour":"red"}`},
	}
	for _, c := range calls {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			status, body := e.call(t, c.method, c.path, e.admin, c.body)
			item := doc.Paths.Find(c.route)
			if item == nil {
				t.Fatalf("no path %s in the document", c.route)
			}
			op := item.GetOperation(c.method)
			req, _ := http.NewRequest(c.method, e.url+c.path, strings.NewReader(c.body))
			req.Header.Set("Content-Type", "application/json")
			route := &routers.Route{Spec: doc, Path: c.route, PathItem: item, Method: c.method, Operation: op}
			in := &openapi3filter.RequestValidationInput{Request: req, Route: route, Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
			out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status,
				Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(bytes.NewReader(body))}
			if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
				t.Errorf("response %d %s does not match the document: %v", status, body, err)
			}
		})
	}
}
