package rounds

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestDecodeRequest(t *testing.T) {
	good, err := json.Marshal(validRequest())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		body  string
		field string // "" means accepted
	}{
		{"valid", string(good), ""},
		{"unknown field", `{"workers":[],"clients":[],"visits":[],"colour":"red"}`, "colour"},
		{"wrong type", `{"workers":[],"clients":[],"visits":[{"id":"v1","durationMinutes":"thirty"}]}`, "visits.durationMinutes"},
		{"bad time", `{"workers":[{"id":"w","shifts":[{"date":"2026-11-25","start":"8am"}]}]}`, "body"},
		{"trailing data", string(good) + `{}`, "body"},
		{"empty", ``, "body"},
		{"truncated", `{"workers":[`, "body"},
		{"invalid request", strings.Replace(string(good), `"durationMinutes":30`, `"durationMinutes":-5`, 1), "visits[0].durationMinutes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeRequest(strings.NewReader(tt.body))
			if tt.field == "" {
				if err != nil {
					t.Fatalf("DecodeRequest() = %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != EINVALID {
				t.Fatalf("DecodeRequest() = %v, want an EINVALID *Error", err)
			}
			if e.Field != tt.field {
				t.Errorf("field = %q, want %q (%v)", e.Field, tt.field, e)
			}
		})
	}
}

func FuzzDecodeRequest(f *testing.F) {
	good, _ := json.Marshal(validRequest())
	f.Add(good)
	f.Add([]byte(`{"visits":[{"windows":[{"start":"24:00","end":"00:00"}]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := DecodeRequest(strings.NewReader(string(b)))
		if err == nil && req == nil {
			t.Fatal("nil request without an error")
		}
		if err != nil && ErrorCode(err) != EINVALID {
			t.Fatalf("error %v has code %s, want invalid", err, ErrorCode(err))
		}
	})
}
