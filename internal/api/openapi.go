package api

import (
	_ "embed"
	"net/http"
)

//go:embed openapi.json
var openapiJSON []byte

// OpenAPI returns the OpenAPI document of the v1 API and the two compatible APIs.
func OpenAPI() []byte { return openapiJSON }

// RegisterOpenAPI serves the document at /openapi.json and its reference page at /docs.
func RegisterOpenAPI(mux *http.ServeMux) {
	mux.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=300")
		_, _ = w.Write(openapiJSON)
	})
}
