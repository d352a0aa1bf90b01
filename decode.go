package rounds

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// DecodeRequest reads one JSON planning request, rejecting unknown fields,
// values of the wrong type, trailing data and text no store keeps as sent
// with an EINVALID *Error that names the field, then validates it with
// Request.Validate.
func DecodeRequest(r io.Reader) (*Request, error) {
	var req Request
	if err := DecodeStrict(r, &req); err != nil {
		return nil, err
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return &req, nil
}

// DecodeStrict reads one JSON value into v. Unknown fields, values of the
// wrong type, trailing data, and strings (keys too) that hold a NUL
// character, bytes that are not UTF-8 or a lone UTF-16 surrogate escape
// are an EINVALID *Error that names the field by its path in the body
// ("clients[0].name"; "body" for the whole) and the value. An error
// reading r (such as *http.MaxBytesError) is returned wrapped, uncoded.
func DecodeStrict(r io.Reader, v any) error {
	body, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	if err := checkText(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(body, err)
	}
	if len(bytes.TrimLeft(body[dec.InputOffset():], " \t\r\n")) > 0 {
		return Invalid("body", "trailing data", "the body must hold one JSON value")
	}
	return nil
}

// ValidText returns an EINVALID *Error naming field if s holds a NUL
// character or bytes that are not UTF-8: PostgreSQL refuses the first and
// the JSON encoder would silently change the second.
func ValidText(field, s string) error {
	if err := textError(field, s, ""); err != nil {
		return err
	}
	return nil
}

// textError is ValidText with where added to the message.
func textError(field, s, where string) *Error {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return Invalid(field, excerpt(s, i), "text may not hold a NUL character (\\u0000)%s", where)
	}
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return Invalid(field, fmt.Sprintf("offset %d", i), "text must be UTF-8; byte 0x%02x is not%s", s[i], where)
			}
		}
	}
	return nil
}

// excerpt quotes s, or the 64 bytes of it around offset i if it is longer.
func excerpt(s string, i int) string {
	if len(s) <= 64 {
		return strconv.Quote(s)
	}
	from := max(0, i-32)
	return "..." + strconv.Quote(s[from:min(len(s), from+64)]) + "..."
}

// checkText returns an EINVALID *Error about the first string of the JSON
// in body, key or value, that ValidText refuses or that holds a lone
// surrogate escape (which decodes to U+FFFD); nil if there is none or the
// JSON is malformed before it. Bodies that hold none of these anywhere
// pass with a quick scan.
func checkText(body []byte) error {
	if utf8.Valid(body) && !bytes.Contains(body, []byte(`\u0000`)) &&
		!bytes.Contains(body, []byte(`\ud`)) && !bytes.Contains(body, []byte(`\uD`)) {
		return nil
	}
	var bad error
	walkJSON(body, func(n *jsonNode) bool {
		if len(n.raw) > 0 && n.raw[0] == '"' {
			bad = badText(n)
		}
		return bad != nil
	})
	return bad
}

// badText checks the string or key n.
func badText(n *jsonNode) error {
	field, in := n.path, ""
	if field == "" {
		field = "body"
	}
	if n.key {
		in = " (in a key)"
	}
	if err := textError(field, n.text, in); err != nil {
		return err
	}
	if !strings.ContainsRune(n.text, utf8.RuneError) {
		return nil // a byte that is not UTF-8 and a lone surrogate both decode to U+FFFD
	}
	raw := n.raw
	for i := 1; i < len(raw)-1; {
		switch c := raw[i]; {
		case c == '\\' && raw[i+1] == 'u' && i+6 <= len(raw):
			r := hexRune(raw[i+2 : i+6])
			if !utf16.IsSurrogate(r) {
				i += 6
				continue
			}
			if i+12 <= len(raw) && raw[i+6] == '\\' && raw[i+7] == 'u' && utf16.DecodeRune(r, hexRune(raw[i+8:i+12])) != utf8.RuneError {
				i += 12
				continue
			}
			return Invalid(field, fmt.Sprintf("%s at offset %d", raw[i:i+6], n.start+i), "a lone UTF-16 surrogate escape is not a character%s", in)
		case c == '\\':
			i += 2
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && size == 1 {
				return Invalid(field, fmt.Sprintf("offset %d", n.start+i), "text must be UTF-8; byte 0x%02x is not%s", c, in)
			}
			i += size
		}
	}
	return nil
}

// hexRune reads the four hex digits of a \u escape; -1 if they are not.
func hexRune(b []byte) rune {
	n, err := strconv.ParseUint(string(b), 16, 32)
	if err != nil {
		return -1
	}
	return rune(n)
}

// jsonNode is a key or a value met by walkJSON.
type jsonNode struct {
	// path is where the value is, as validation errors name fields:
	// "clients[0].name", "" for the whole body. A key has the path of its
	// object.
	path string
	key  bool
	// raw is the JSON text, which starts at offset start of the body.
	raw   []byte
	start int
	// text is a string or key decoded.
	text string
}

// walkJSON calls visit with each key and value of the first JSON value in
// body in document order, an object or array after all it holds, until
// visit returns true, the value ends or the JSON turns out malformed. It
// takes O(len(body)) time.
func walkJSON(body []byte, visit func(n *jsonNode) bool) {
	type level struct {
		path    string
		object  bool
		start   int
		key     string // the key whose value comes next, if haveKey
		haveKey bool
		next    int // the index of an array's next value
	}
	var stack []*level
	// at returns the path of the next value.
	at := func() string {
		if len(stack) == 0 {
			return ""
		}
		top := stack[len(stack)-1]
		switch {
		case !top.object:
			return top.path + "[" + strconv.Itoa(top.next) + "]"
		case top.path == "":
			return top.key
		}
		return top.path + "." + top.key
	}
	// done moves past a value; it reports whether it was the whole body.
	done := func() bool {
		if len(stack) == 0 {
			return true
		}
		top := stack[len(stack)-1]
		top.haveKey = false
		top.next++
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var end int
	for {
		tok, err := dec.Token()
		if err != nil {
			return
		}
		start := end
		end = int(dec.InputOffset())
		for start < end && strings.IndexByte(" \t\r\n,:", body[start]) >= 0 {
			start++
		}
		n := &jsonNode{path: at(), raw: body[start:end], start: start}
		n.text, _ = tok.(string)
		switch tok {
		case json.Delim('{'), json.Delim('['):
			stack = append(stack, &level{path: n.path, object: tok == json.Delim('{'), start: start})
			continue
		case json.Delim('}'), json.Delim(']'):
			if len(stack) == 0 {
				return // the decoder matches delimiters; this is not reached
			}
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			n = &jsonNode{path: top.path, raw: body[top.start:end], start: top.start}
		default:
			if top := len(stack) - 1; top >= 0 && stack[top].object && !stack[top].haveKey {
				n.path, n.key = stack[top].path, true
				stack[top].key, stack[top].haveKey = n.text, true
				if visit(n) {
					return
				}
				continue
			}
		}
		if visit(n) || done() {
			return
		}
	}
}

// jsonError turns an error of the JSON decoder into an EINVALID *Error
// that names the field, found in body.
func jsonError(body []byte, err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field, value := locate(body, typeErr)
		want := "a " + typeErr.Type.String()
		if typeErr.Type == reflect.TypeFor[Clock]() {
			want = `a time of day "HH:MM" or "HH:MM:SS" from 00:00 to 24:00`
		}
		return Invalid(field, value, "want %s", want)
	case errors.As(err, &syntaxErr):
		return Invalid("body", fmt.Sprintf("offset %d", syntaxErr.Offset), "malformed JSON: %v", err)
	case errors.Is(err, io.EOF):
		return Invalid("body", "empty", "the body is empty")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return Invalid("body", "truncated", "the JSON ends too early")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return Invalid(name, name, "unknown field")
	}
	return Invalid("body", "", "%v", err)
}

// locate returns the path and JSON text of the value a type error is
// about: the first value in body at the error's field (a path without
// indices, "visits.windows.start") of the kind the error names that does
// not decode into the error's type on its own. The decoder stops at, or
// keeps, the first such error, so that is the value it was decoding.
// Failing that, it returns the error's own field and value description.
func locate(body []byte, typeErr *json.UnmarshalTypeError) (field, value string) {
	field, value = cmp.Or(typeErr.Field, "body"), typeErr.Value
	kind, _, _ := strings.Cut(typeErr.Value, " ")
	walkJSON(body, func(n *jsonNode) bool {
		if n.key || jsonKind(n.raw) != kind || !strings.EqualFold(stripIndices(n.path), typeErr.Field) ||
			json.Unmarshal(n.raw, reflect.New(typeErr.Type).Interface()) == nil {
			return false
		}
		field = cmp.Or(n.path, "body")
		if len(n.raw) <= 64 {
			value = string(n.raw)
		}
		return true
	})
	if len(value) > 64 {
		value = strings.ToValidUTF8(value[:64], "") + "..."
	}
	return field, value
}

// jsonKind names the kind of the JSON value b as the first word of
// json.UnmarshalTypeError.Value does: "string", "number", "bool",
// "array", "object" or "null".
func jsonKind(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	switch b[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	return "number"
}

// stripIndices turns "visits[0].windows[1].start" into "visits.windows.start".
func stripIndices(path string) string {
	var b strings.Builder
	for path != "" {
		i := strings.IndexByte(path, '[')
		if i < 0 {
			b.WriteString(path)
			break
		}
		b.WriteString(path[:i])
		j := strings.IndexByte(path[i:], ']')
		if j < 0 {
			break
		}
		path = path[i+j+1:]
	}
	return b.String()
}
