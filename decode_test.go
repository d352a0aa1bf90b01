package rounds

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
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
		{"wrong type", `{"workers":[],"clients":[],"visits":[{"id":"v1","durationMinutes":"thirty"}]}`, "visits[0].durationMinutes"},
		{"wrong type in a later element", `{"visits":[{"id":"v1","durationMinutes":30},{"id":"v2","durationMinutes":1.5}]}`, "visits[1].durationMinutes"},
		{"wrong type at the top", `[1]`, "body"},
		{"wrong type of element", `{"visits":[{"id":"v1"},"v2"]}`, "visits[1]"},
		{"wrong type of list", `{"visits":"v1"}`, "visits"},
		{"bad time", `{"workers":[{"id":"w","shifts":[{"date":"2026-11-25","start":"8am"}]}]}`, "workers[0].shifts[0].start"},
		{"hour out of range", `{"visits":[{"id":"v1","windows":[{"start":"08:00","end":"09:00"},{"start":"25:00","end":"26:00"}]}]}`, "visits[0].windows[1].start"},
		{"minute out of range", `{"visits":[{"id":"v1","windows":[{"start":"08:00","end":"08:60"}]}]}`, "visits[0].windows[0].end"},
		{"time not a string", `{"visits":[{"id":"v1","windows":[{"start":800}]}]}`, "visits[0].windows[0].start"},
		{"trailing data", string(good) + `{}`, "body"},
		{"trailing bracket", string(good) + ` ]`, "body"},
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
	f.Add([]byte(`{"clients":[{"id":"c","name":"Jo\u0000e"}]}`))
	f.Add([]byte("{\"clients\":[{\"id\":\"c\",\"name\":\"Jo\xffe\"}]}"))
	f.Add([]byte(`{"clients":[{"id":"c","name":"\ud83d\ude00 \ud800"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := DecodeRequest(strings.NewReader(string(b)))
		if err == nil && req == nil {
			t.Fatal("nil request without an error")
		}
		if err == nil {
			if !utf8.Valid(b) {
				t.Fatalf("a body that is not UTF-8 was accepted: %q", b)
			}
			if out, _ := json.Marshal(req); strings.Contains(string(out), `\u0000`) {
				t.Fatalf("a decoded request holds a NUL: %s", out)
			}
		}
		if err != nil && ErrorCode(err) != EINVALID {
			t.Fatalf("error %v has code %s, want invalid", err, ErrorCode(err))
		}
	})
}

// TestDecodeStrictText checks that every string of a body, at any depth,
// object keys included, is refused if it holds a NUL, a byte that is not
// UTF-8 or a lone UTF-16 surrogate escape, naming the field; and that the
// characters that only look like them are accepted.
func TestDecodeStrictText(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		field string // "" means accepted
		value string // what the error's value must contain
	}{
		{"NUL in a name", `{"clients":[{"id":"c1","name":"Jo\u0000e"}]}`, "clients[0].name", `"Jo\x00e"`},
		{"NUL in a later element", `{"clients":[{"id":"c1"},{"id":"c2","name":"Jo\u0000e"}]}`, "clients[1].name", `\x00`},
		{"NUL in a list of strings", `{"workers":[{"id":"w","skills":["a","b\u0000"]}]}`, "workers[0].skills[1]", `\x00`},
		{"NUL at the top", `{"team":"a\u0000"}`, "team", `\x00`},
		{"NUL in a key", `{"options":{"unassignedPenalty":{"a\u0000":1}}}`, "options.unassignedPenalty", `\x00`},
		{"NUL in a key at the top", `{"te\u0000am":"a"}`, "body", `\x00`},
		{"NUL in an unknown field's value", `{"clients":[{"id":"c1","nickname":"\u0000"}]}`, "clients[0].nickname", `\x00`},
		{"byte not UTF-8", "{\"clients\":[{\"id\":\"c1\",\"name\":\"Jo\xffe\"}]}", "clients[0].name", "offset 33"},
		{"cut UTF-8 sequence", "{\"team\":\"\xc3\"}", "team", "offset 9"},
		{"byte not UTF-8 in a key", "{\"te\xffam\":\"a\"}", "body", "offset 4"},
		{"lone high surrogate", `{"clients":[{"id":"c1","name":"\ud800"}]}`, "clients[0].name", `\ud800`},
		{"lone low surrogate", `{"clients":[{"id":"c1","name":"x\uDC00"}]}`, "clients[0].name", `\uDC00`},
		{"high surrogate before a letter", `{"clients":[{"id":"c1","name":"\ud800\u0041"}]}`, "clients[0].name", `\ud800`},
		{"surrogate pair", `{"clients":[{"id":"c1","name":"\ud83d\ude00"}]}`, "", ""},
		{"UTF-8 text", `{"clients":[{"id":"c1","name":"Zoë Ødegård 山田"}]}`, "", ""},
		{"replacement character", `{"clients":[{"id":"c1","name":"\ufffd �"}]}`, "", ""},
		{"escaped backslash before u0000", `{"clients":[{"id":"c1","name":"\\u0000 \\ud800"}]}`, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var req Request
			err := DecodeStrict(strings.NewReader(tt.body), &req)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("DecodeStrict() = %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != EINVALID {
				t.Fatalf("DecodeStrict() = %v, want an EINVALID *Error", err)
			}
			if e.Field != tt.field || !strings.Contains(e.Value, tt.value) {
				t.Errorf("field = %q, value = %q; want %q and a value holding %q (%v)", e.Field, e.Value, tt.field, tt.value, e)
			}
		})
	}
}

// TestValidIDAndText checks the ids and the text of paths and queries
// that are refused before they reach a store.
func TestValidIDAndText(t *testing.T) {
	for _, tt := range []struct {
		id string
		ok bool
	}{{"c1", true}, {"a.b", true}, {"...", true}, {".", false}, {"..", false}, {"", false}, {"a\x00", false}, {"a/b", false}} {
		if err := ValidID("id", tt.id); (err == nil) != tt.ok || err != nil && (ErrorCode(err) != EINVALID || err.(*Error).Field != "id") {
			t.Errorf("ValidID(%q) = %v, want ok %v", tt.id, err, tt.ok)
		}
	}
	for _, tt := range []struct {
		text, value string // value "" means accepted
	}{{"Zoë", ""}, {"", ""}, {"\uFFFD", ""}, {"Jo\x00e", `"Jo\x00e"`}, {"Jo\xffe", "offset 2"}, {"\xc3", "offset 0"}} {
		err := ValidText("network", tt.text)
		var e *Error
		if tt.value == "" && err != nil || tt.value != "" && (!errors.As(err, &e) || e.Field != "network" || e.Value != tt.value) {
			t.Errorf("ValidText(%q) = %v, want value %q", tt.text, err, tt.value)
		}
	}
}
