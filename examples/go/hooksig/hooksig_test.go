package hooksig

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"testing"
)

type vectorCase struct {
	Name       string          `json:"name"`
	Scheme     json.RawMessage `json:"scheme"`
	Secrets    []string        `json:"secrets"`
	Tolerance  *uint64         `json:"tolerance"`
	Headers    [][2]string     `json:"headers"`
	Body       *string         `json:"body"`
	BodyBase64 *string         `json:"body_base64"`
	Now        int64           `json:"now"`
	Expect     struct {
		OK        bool    `json:"ok"`
		Code      string  `json:"code"`
		KeyIndex  int     `json:"key_index"`
		Timestamp *int64  `json:"timestamp"`
		WebhookID *string `json:"webhook_id"`
	} `json:"expect"`
}

// Every verify vector through the Go wrapper.
func TestVectors(t *testing.T) {
	data, err := os.ReadFile("../../../tests/vectors/verify.json")
	if err != nil {
		t.Fatal(err)
	}
	var file struct{ Cases []vectorCase }
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	for _, c := range file.Cases {
		var scheme string
		if json.Unmarshal(c.Scheme, &scheme) != nil {
			scheme = string(c.Scheme) // a custom-scheme object
		}
		body := []byte{}
		if c.Body != nil {
			body = []byte(*c.Body)
		} else if body, err = base64.StdEncoding.DecodeString(*c.BodyBase64); err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		headers := http.Header{}
		for _, h := range c.Headers {
			headers[h[0]] = append(headers[h[0]], h[1])
		}
		tolerance := DefaultTolerance
		if c.Tolerance != nil {
			tolerance = *c.Tolerance
		}
		verifier, err := NewVerifier(scheme, c.Secrets, tolerance)
		var verified *Verified
		if err == nil {
			verified, err = verifier.VerifyAt(headers, body, c.Now)
			verifier.Close()
		}
		switch {
		case err != nil && c.Expect.OK:
			t.Errorf("%s: %v, expected success", c.Name, err)
		case err != nil && err.(*Error).Code != c.Expect.Code:
			t.Errorf("%s: %s, expected %s", c.Name, err.(*Error).Code, c.Expect.Code)
		case err == nil && !c.Expect.OK:
			t.Errorf("%s: verified, expected %s", c.Name, c.Expect.Code)
		case err == nil:
			wantID := ""
			if c.Expect.WebhookID != nil {
				wantID = *c.Expect.WebhookID
			}
			if verified.KeyIndex != c.Expect.KeyIndex || verified.WebhookID != wantID ||
				(verified.Timestamp == nil) != (c.Expect.Timestamp == nil) ||
				(verified.Timestamp != nil && *verified.Timestamp != *c.Expect.Timestamp) {
				t.Errorf("%s: got %+v", c.Name, verified)
			}
		}
	}
}

func TestConfigurationErrorsAreNotVerificationErrors(t *testing.T) {
	_, err := NewVerifier("acme", []string{"secret"}, DefaultTolerance)
	if e, ok := err.(*Error); !ok || e.Code != "invalid_scheme" || e.Verification {
		t.Fatalf("got %#v", err)
	}
	verifier, err := NewVerifier("quiltt", []string{"secret"}, DefaultTolerance)
	if err != nil {
		t.Fatal(err)
	}
	defer verifier.Close()
	if _, err := verifier.Verify(http.Header{}, nil); err.(*Error).Code != "missing_header" || !err.(*Error).Verification {
		t.Fatalf("got %#v", err)
	}
	if why := verifier.Diagnose(http.Header{}, nil); why == "" {
		t.Fatal("no explanation for a request without headers")
	}
}

func TestEventTypes(t *testing.T) {
	headers := http.Header{"X-Github-Event": {"pull_request"}}
	types, err := EventTypes("github", headers, []byte(`{"action":"opened"}`))
	if err != nil || len(types) != 1 || types[0] != "pull_request.opened" {
		t.Fatalf("got %q, %v", types, err)
	}
	if _, err := EventTypes("quiltt", http.Header{}, []byte("not json")); err.(*Error).Code != "invalid_body" {
		t.Fatalf("got %v", err)
	}
}
