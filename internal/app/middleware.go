package app

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/raasdev/raas/internal/api"
	"github.com/raasdev/raas/internal/remind"
)

type reqIDKey struct{}

// RequestID returns the id of the request being served.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(reqIDKey{}).(string)
	return id
}

type statusWriter struct {
	http.ResponseWriter
	code  int
	bytes int
	err   error // what went wrong while answering (api.RecordError)
}

// RecordError keeps err for the request's log line (api.ErrorRecorder).
func (w *statusWriter) RecordError(err error) { w.err = errors.Join(w.err, err) }

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// withRequestLog gives each request an id (X-Request-Id, kept when the
// client sent a sane one) and logs one line per request, without query
// strings (they may carry access tokens) or headers.
func withRequestLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			id = remind.NewToken(8)
		}
		w.Header().Set("X-Request-Id", id)
		sw := &statusWriter{ResponseWriter: w}
		start := time.Now()
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), reqIDKey{}, id)))
		attrs := []any{"request_id", id, "method", r.Method, "path", logPath(r.URL.Path), "status", sw.code,
			"bytes", sw.bytes, "duration_ms", float64(time.Since(start).Microseconds()) / 1000}
		if sw.err != nil {
			log.Error("http", append(attrs, "err", sw.err)...)
			return
		}
		log.Info("http", attrs...)
	})
}

// logPath is a request's path as the log shows it: a personal link's
// token (/me/{token}…), which acts for its recipient, is left out.
func logPath(p string) string {
	rest, ok := strings.CutPrefix(p, "/me/")
	if !ok {
		return p
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return "/me/…" + rest[i:]
	}
	return "/me/…"
}

// withRecover answers a panic with the JSON 500 and logs the stack.
func withRecover(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				log.Error("panic", "request_id", RequestID(r.Context()), "panic", p, "stack", string(debug.Stack()))
				api.WriteJSON(w, http.StatusInternalServerError, map[string]any{"error": map[string]string{"code": "internal", "message": "internal error"}})
			}
		}()
		next.ServeHTTP(w, r)
	})
}
