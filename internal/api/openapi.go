package api

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strings"
)

// openapiJSON is the OpenAPI 3.1 document of the v1 API and of the two
// compatible APIs. openapi_test.go checks real answers against it.
//
//go:embed openapi.json
var openapiJSON []byte

// OpenAPI returns the OpenAPI document of the v1 API and the two compatible APIs.
func OpenAPI() []byte { return openapiJSON }

// RegisterOpenAPI serves the document at /openapi.json and a reference page
// rendered from it at /docs (plain HTML and CSS, no script, no CDN).
func RegisterOpenAPI(mux *http.ServeMux) {
	page, err := RenderDocs(openapiJSON)
	if err != nil {
		panic("api: the embedded OpenAPI document does not render: " + err.Error()) // caught by the tests
	}
	mux.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Access-Control-Allow-Origin", "*")
		_, _ = w.Write(openapiJSON)
	})
	mux.HandleFunc("GET /docs", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		_, _ = w.Write(page)
	})
}

// The subset of the document the page shows.
type oaDoc struct {
	Info struct {
		Title, Version, Description string
	}
	Tags []struct {
		Name, Description string
	}
	Paths      map[string]map[string]json.RawMessage
	Components struct {
		Schemas map[string]*oaSchema
	}
}

type oaSchema struct {
	Ref         string               `json:"$ref"`
	Type        any                  `json:"type"`
	Format      string               `json:"format"`
	Description string               `json:"description"`
	Enum        []any                `json:"enum"`
	Items       *oaSchema            `json:"items"`
	Properties  map[string]*oaSchema `json:"properties"`
	Required    []string             `json:"required"`
	OneOf       []*oaSchema          `json:"oneOf"`
}

type oaOp struct {
	OperationID string `json:"operationId"`
	Summary     string
	Tags        []string
	Parameters  []struct {
		Name, In, Description string
		Required              bool
		Schema                *oaSchema
	}
	RequestBody *struct {
		Content map[string]struct{ Schema *oaSchema }
	} `json:"requestBody"`
	Responses map[string]struct {
		Ref         string `json:"$ref"`
		Description string
		Content     map[string]struct{ Schema *oaSchema }
	}
}

// typeName renders a schema's type compactly: "string (date-time) | null", "Reminder[]".
func typeName(s *oaSchema) string {
	if s == nil {
		return "any"
	}
	if s.Ref != "" {
		return s.Ref[strings.LastIndex(s.Ref, "/")+1:]
	}
	if len(s.OneOf) > 0 {
		parts := make([]string, len(s.OneOf))
		for i, o := range s.OneOf {
			parts[i] = typeName(o)
		}
		return strings.Join(parts, " or ")
	}
	var t string
	switch v := s.Type.(type) {
	case string:
		t = v
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = fmt.Sprint(x)
		}
		t = strings.Join(parts, " | ")
	default:
		t = "any"
	}
	if t == "array" && s.Items != nil {
		return typeName(s.Items) + "[]"
	}
	if s.Format != "" {
		t += " (" + s.Format + ")"
	}
	if len(s.Enum) > 0 {
		vals := make([]string, len(s.Enum))
		for i, e := range s.Enum {
			vals[i] = fmt.Sprint(e)
		}
		t += ": " + strings.Join(vals, ", ")
	}
	return t
}

type docsOp struct {
	Method, Path, Summary, ID, Body string
	Params                          [][4]string // name, in, type, description
	Responses                       [][2]string // code, what
}

type docsSchema struct {
	Name, Description string
	Fields            [][4]string // name, type, required, description
}

var docsTmpl = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{{.Info.Title}} — API reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#222}main{max-width:980px;margin:auto;padding:1em 2em}
nav{background:#f4f4f6;padding:.5em 2em}nav a{margin-right:1em}code,.m{font-family:ui-monospace,monospace}
.op{border:1px solid #ddd;border-radius:6px;margin:1em 0;padding:.6em 1em}.m{display:inline-block;min-width:4.5em;font-weight:bold}
.get{color:#0a6}.post{color:#06c}.put,.patch{color:#a60}.delete{color:#c22}table{border-collapse:collapse;margin:.3em 0}
td,th{border-bottom:1px solid #eee;padding:2px 10px 2px 0;text-align:left;vertical-align:top}h3{margin:.2em 0}
</style></head><body>
<nav>{{range .Groups}}<a href="#tag-{{.Name}}">{{.Name}}</a>{{end}}<a href="#schemas">schemas</a><a href="/openapi.json">openapi.json</a></nav>
<main><h1>{{.Info.Title}} <small>{{.Info.Version}}</small></h1><p>{{.Info.Description}}</p>
{{range .Groups}}<h2 id="tag-{{.Name}}">{{.Name}}</h2><p>{{.Description}}</p>
{{range .Ops}}<div class="op" id="{{.ID}}"><h3><span class="m {{.Method}}">{{.Method}}</span> <code>{{.Path}}</code></h3><p>{{.Summary}}</p>
{{if .Params}}<table><tr><th>parameter</th><th>in</th><th>type</th><th></th></tr>{{range .Params}}<tr><td><code>{{index . 0}}</code></td><td>{{index . 1}}</td><td>{{index . 2}}</td><td>{{index . 3}}</td></tr>{{end}}</table>{{end}}
{{if .Body}}<p>Request body: <a href="#schema-{{.Body}}">{{.Body}}</a></p>{{end}}
<table><tr><th>status</th><th>answer</th></tr>{{range .Responses}}<tr><td>{{index . 0}}</td><td>{{index . 1}}</td></tr>{{end}}</table></div>{{end}}{{end}}
<h2 id="schemas">Schemas</h2>
{{range .Schemas}}<div class="op" id="schema-{{.Name}}"><h3>{{.Name}}</h3>{{if .Description}}<p>{{.Description}}</p>{{end}}
{{if .Fields}}<table><tr><th>field</th><th>type</th><th></th><th></th></tr>{{range .Fields}}<tr><td><code>{{index . 0}}</code></td><td>{{index . 1}}</td><td>{{index . 2}}</td><td>{{index . 3}}</td></tr>{{end}}</table>{{end}}</div>{{end}}
</main></body></html>
`))

// RenderDocs renders an OpenAPI document as one self-contained HTML page:
// operations grouped by tag, then every schema with its fields.
func RenderDocs(doc []byte) ([]byte, error) {
	var d oaDoc
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("api: openapi.json: %w", err)
	}
	type group struct {
		Name, Description string
		Ops               []docsOp
	}
	groups := map[string]*group{}
	var order []*group
	for _, t := range d.Tags {
		g := &group{Name: t.Name, Description: t.Description}
		groups[t.Name] = g
		order = append(order, g)
	}
	paths := make([]string, 0, len(d.Paths))
	for p := range d.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		for _, m := range []string{"get", "post", "put", "patch", "delete"} {
			raw, ok := d.Paths[p][m]
			if !ok {
				continue
			}
			var op oaOp
			if err := json.Unmarshal(raw, &op); err != nil {
				return nil, fmt.Errorf("api: openapi.json %s %s: %w", m, p, err)
			}
			o := docsOp{Method: m, Path: p, Summary: op.Summary, ID: op.OperationID}
			for _, pr := range op.Parameters {
				o.Params = append(o.Params, [4]string{pr.Name, pr.In, typeName(pr.Schema), pr.Description})
			}
			if op.RequestBody != nil {
				for _, c := range op.RequestBody.Content {
					o.Body = typeName(c.Schema)
				}
			}
			codes := make([]string, 0, len(op.Responses))
			for c := range op.Responses {
				codes = append(codes, c)
			}
			sort.Strings(codes)
			for _, c := range codes {
				r := op.Responses[c]
				what := r.Description
				if r.Ref != "" {
					what = "error: " + r.Ref[strings.LastIndex(r.Ref, "/")+1:]
				}
				for ct, mt := range r.Content {
					what += " — " + ct + " " + typeName(mt.Schema)
				}
				o.Responses = append(o.Responses, [2]string{c, what})
			}
			tag := "other"
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			g := groups[tag]
			if g == nil {
				g = &group{Name: tag}
				groups[tag] = g
				order = append(order, g)
			}
			g.Ops = append(g.Ops, o)
		}
	}
	names := make([]string, 0, len(d.Components.Schemas))
	for n := range d.Components.Schemas {
		names = append(names, n)
	}
	sort.Strings(names)
	var schemas []docsSchema
	for _, n := range names {
		s := d.Components.Schemas[n]
		ds := docsSchema{Name: n, Description: s.Description}
		req := map[string]bool{}
		for _, r := range s.Required {
			req[r] = true
		}
		fields := make([]string, 0, len(s.Properties))
		for f := range s.Properties {
			fields = append(fields, f)
		}
		sort.Strings(fields)
		for _, f := range fields {
			r := ""
			if req[f] {
				r = "required"
			}
			ds.Fields = append(ds.Fields, [4]string{f, typeName(s.Properties[f]), r, s.Properties[f].Description})
		}
		schemas = append(schemas, ds)
	}
	var buf bytes.Buffer
	err := docsTmpl.Execute(&buf, map[string]any{"Info": d.Info, "Groups": order, "Schemas": schemas})
	return buf.Bytes(), err
}
