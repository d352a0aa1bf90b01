package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/roundsdev/rounds"
	"github.com/roundsdev/rounds/simulation"
)

// openAPI serves the OpenAPI 3 document of the API.
func (s *Server) openAPI(c echo.Context) error {
	return c.JSON(http.StatusOK, s.Document())
}

var pathParam = regexp.MustCompile(`:([a-zA-Z]+)`)

// Document returns the OpenAPI 3 document of the API, built from the same
// route table and Go types as the handlers.
func (s *Server) Document() map[string]any {
	g := &schemaGen{defs: map[string]any{}}
	paths := map[string]map[string]any{}
	for _, r := range s.routes() {
		p := pathParam.ReplaceAllString(r.path, "{$1}")
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		op := map[string]any{"summary": r.summary, "operationId": strings.ToLower(r.method) + strings.NewReplacer("/", "_", ":", "").Replace(r.path)}
		var params []any
		for _, m := range pathParam.FindAllStringSubmatch(r.path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		for _, q := range r.query {
			params = append(params, map[string]any{"name": q, "in": "query", "schema": map[string]any{"type": "string"}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if r.body != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(r.body))}}}
		}
		ok := map[string]any{"description": http.StatusText(r.status)}
		if r.resp != nil {
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(r.resp))}}
		} else if r.path == "/metrics" {
			ok["content"] = map[string]any{"text/plain": map[string]any{"schema": map[string]any{"type": "string"}}}
		} else if r.path == "/v1/openapi.json" {
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}
		}
		errSchema := map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(ErrorBody{}))}}
		op["responses"] = map[string]any{strconv.Itoa(r.status): ok, "default": map[string]any{"description": "An error naming the field and value", "content": errSchema}}
		if r.perm != permPublic {
			op["security"] = []any{map[string]any{"bearer": []any{}}}
			op["description"] = "Roles: " + rolesOf(r.perm)
		}
		paths[p][strings.ToLower(r.method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": "rounds", "version": "1", "description": "Plans home visits for community independence services."},
		"paths":   paths,
		"components": map[string]any{
			"schemas":         g.defs,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
		},
	}
}

func rolesOf(p permission) string {
	var names []string
	for _, r := range allowed[p] {
		names = append(names, string(r))
	}
	if globalOnly[p] {
		return strings.Join(names, ", ") + "; a key with no teams only"
	}
	return strings.Join(names, ", ")
}

// schemaGen turns Go types into OpenAPI schemas, following json tags.
type schemaGen struct{ defs map[string]any }

var (
	clockType = reflect.TypeOf(rounds.Clock(0))
	timeType  = reflect.TypeOf(time.Time{})
	rawType   = reflect.TypeOf(json.RawMessage{})
	// simulationPkg names the types of scenario files apart.
	simulationPkg = reflect.TypeOf(simulation.File{}).PkgPath()
)

func (g *schemaGen) schema(t reflect.Type) map[string]any {
	switch t {
	case clockType:
		return map[string]any{"type": "string", "pattern": `^\d{2}:\d{2}(:\d{2})?$`}
	case timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case rawType:
		return map[string]any{"nullable": true}
	}
	switch t.Kind() {
	case reflect.Pointer:
		s := g.schema(t.Elem())
		if ref, ok := s["$ref"]; ok {
			return map[string]any{"nullable": true, "allOf": []any{map[string]any{"$ref": ref}}}
		}
		s["nullable"] = true
		return s
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int32, reflect.Int64:
		return map[string]any{"type": "integer"}
	case reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": g.schema(t.Elem()), "nullable": true}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem()), "nullable": true}
	case reflect.Struct:
		name := strings.NewReplacer("[", "_", "]", "", "github.com/roundsdev/rounds.", "", "/", "_").Replace(t.Name())
		if pkg := t.PkgPath(); pkg == simulationPkg {
			name = "Simulation" + name // simulation.Team is not rounds.Team
		}
		if _, ok := g.defs[name]; !ok {
			g.defs[name] = nil
			g.defs[name] = g.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

// object is the schema of a struct, with embedded fields inlined.
func (g *schemaGen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" || !f.IsExported() {
				continue
			}
			if f.Anonymous && tag == "" {
				walk(f.Type)
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if name == "" {
				name = f.Name
			}
			props[name] = g.schema(f.Type)
			if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") && f.Type.Kind() != reflect.Pointer {
				required = append(required, name)
			}
		}
	}
	walk(t)
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if required != nil {
		s["required"] = required
	}
	return s
}
