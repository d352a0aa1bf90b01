package rounds

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// DecodeRequest reads one JSON planning request, rejecting unknown fields,
// values of the wrong type and trailing data with an EINVALID *Error that
// names the field, then validates it with Request.Validate.
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

// DecodeStrict reads one JSON value into v, rejecting unknown fields,
// values of the wrong type and trailing data with an EINVALID *Error that
// names the field and the value.
func DecodeStrict(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return Invalid("body", "trailing data", "the body must hold one JSON value")
	}
	return nil
}

func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		return Invalid(field, typeErr.Value, "want a %s", typeErr.Type)
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
	// Errors from a field's own UnmarshalJSON (times, dates) name the value.
	return Invalid("body", "", "%v", err)
}
