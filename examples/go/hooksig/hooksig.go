// Package hooksig verifies webhooks through the hooksig C library (cgo,
// found with pkg-config): one constant-time implementation of Quiltt,
// Standard Webhooks/Svix, Bond, Tratta, Stripe, GitHub, Shopify and Slack
// signatures, with a timestamp window in both directions and key rotation.
//
//	verifier, err := hooksig.NewVerifier("quiltt", []string{secret}, hooksig.DefaultTolerance)
//	verified, err := verifier.Verify(r.Header, body) // body: the raw bytes, as received
package hooksig

/*
#cgo pkg-config: hooksig
#include <stdlib.h>
#include <string.h>
#include <hooksig.h>
*/
import "C"

import (
	"net/http"
	"runtime"
	"unsafe"
)

// DefaultTolerance is the timestamp window, in seconds either way, that the
// providers' own receivers use.
const DefaultTolerance = uint64(C.HOOKSIG_DEFAULT_TOLERANCE)

// Error is a failed call: Code is the stable code shared by every hooksig
// binding ("signature_mismatch", "invalid_secret", ...).
type Error struct {
	Code    string
	Message string
	// Verification is true for errors a bad request causes (answer 401),
	// false for configuration errors such as an invalid secret or scheme.
	Verification bool
}

func (e *Error) Error() string { return e.Message }

// Verified is what a successful verification found.
type Verified struct {
	KeyIndex  int    // which secret matched, in the order given to NewVerifier
	Timestamp *int64 // the signed Unix time, for schemes that sign one
	WebhookID string // the message / delivery id, "" when the request has none
}

// Verifier checks webhooks of one scheme against one or more secrets. It is
// immutable and safe for concurrent use: create one per endpoint.
type Verifier struct {
	handle *C.hooksig_verifier
}

// NewVerifier creates a verifier for scheme (a built-in name or a
// custom-scheme JSON object) that accepts any of secrets (newest first).
func NewVerifier(scheme string, secrets []string, tolerance uint64) (*Verifier, error) {
	cScheme := C.CString(scheme)
	defer C.free(unsafe.Pointer(cScheme))
	cSecrets := C.malloc(C.size_t(len(secrets)+1) * C.size_t(unsafe.Sizeof((*C.char)(nil))))
	defer C.free(cSecrets)
	list := unsafe.Slice((**C.char)(cSecrets), len(secrets)+1)
	for i, secret := range secrets {
		list[i] = C.CString(secret)
		defer C.free(unsafe.Pointer(list[i]))
	}
	var handle *C.hooksig_verifier
	var cErr *C.hooksig_error
	status := C.hooksig_verifier_new(cScheme, (**C.char)(cSecrets), C.size_t(len(secrets)), C.uint64_t(tolerance), &handle, &cErr)
	if status != C.HOOKSIG_OK {
		return nil, takeError(cErr)
	}
	v := &Verifier{handle: handle}
	runtime.SetFinalizer(v, (*Verifier).Close)
	return v, nil
}

// Close releases the verifier; it must not be used afterwards.
func (v *Verifier) Close() {
	if v.handle != nil {
		C.hooksig_verifier_free(v.handle)
		v.handle = nil
	}
}

// Verify checks a request's headers and raw body against the system clock.
func (v *Verifier) Verify(headers http.Header, body []byte) (*Verified, error) {
	return v.VerifyAt(headers, body, C.HOOKSIG_NOW)
}

// VerifyAt checks a request as if the time were now (Unix seconds).
func (v *Verifier) VerifyAt(headers http.Header, body []byte, now int64) (*Verified, error) {
	var result *C.hooksig_verified
	var cErr *C.hooksig_error
	status := v.call(headers, body, func(h *C.hooksig_header, n C.size_t, b unsafe.Pointer, bLen C.size_t) C.enum_hooksig_status {
		return C.hooksig_verify(v.handle, h, n, b, bLen, C.int64_t(now), &result, &cErr)
	})
	if status != C.HOOKSIG_OK {
		return nil, takeError(cErr)
	}
	defer C.hooksig_verified_free(result)
	verified := &Verified{KeyIndex: int(C.hooksig_verified_key_index(result))}
	var timestamp C.int64_t
	if C.hooksig_verified_timestamp(result, &timestamp) {
		t := int64(timestamp)
		verified.Timestamp = &t
	}
	if id := C.hooksig_verified_webhook_id(result); id != nil {
		verified.WebhookID = C.GoString(id)
	}
	return verified, nil
}

// Diagnose explains, in one sentence for a developer's log, why a request
// fails to verify; "" when it verifies. It never contains a secret or a signature.
func (v *Verifier) Diagnose(headers http.Header, body []byte) string {
	return v.DiagnoseAt(headers, body, C.HOOKSIG_NOW)
}

// DiagnoseAt is Diagnose as if the time were now (Unix seconds).
func (v *Verifier) DiagnoseAt(headers http.Header, body []byte, now int64) string {
	var explanation *C.char
	v.call(headers, body, func(h *C.hooksig_header, n C.size_t, b unsafe.Pointer, bLen C.size_t) C.enum_hooksig_status {
		return C.hooksig_diagnose(v.handle, h, n, b, bLen, C.int64_t(now), &explanation, nil)
	})
	if explanation == nil {
		return ""
	}
	defer C.hooksig_string_free(explanation)
	return C.GoString(explanation)
}

// EventTypes returns the event types a verified request carries, one per
// event, in payload order (Quiltt's events[].type, GitHub's
// X-GitHub-Event plus the body's action, ...), for routing.
func EventTypes(scheme string, headers http.Header, body []byte) ([]string, error) {
	cScheme := C.CString(scheme)
	defer C.free(unsafe.Pointer(cScheme))
	var types *C.hooksig_strings
	var cErr *C.hooksig_error
	status := withRequest(headers, body, func(h *C.hooksig_header, n C.size_t, b unsafe.Pointer, bLen C.size_t) C.enum_hooksig_status {
		return C.hooksig_event_types(cScheme, h, n, b, bLen, &types, &cErr)
	})
	if status != C.HOOKSIG_OK {
		return nil, takeError(cErr)
	}
	defer C.hooksig_strings_free(types)
	found := make([]string, int(C.hooksig_strings_len(types)))
	for i := range found {
		found[i] = C.GoString(C.hooksig_strings_get(types, C.size_t(i)))
	}
	return found, nil
}

func (v *Verifier) call(headers http.Header, body []byte, f func(*C.hooksig_header, C.size_t, unsafe.Pointer, C.size_t) C.enum_hooksig_status) C.enum_hooksig_status {
	status := withRequest(headers, body, f)
	runtime.KeepAlive(v)
	return status
}

// withRequest lays the headers out in C memory (cgo forbids handing C a Go array of
// pointers) and passes the body in place; it is only read during the call.
func withRequest(headers http.Header, body []byte, f func(*C.hooksig_header, C.size_t, unsafe.Pointer, C.size_t) C.enum_hooksig_status) C.enum_hooksig_status {
	n, size := 0, 0
	for name, values := range headers {
		n += len(values)
		for _, value := range values {
			size += len(name) + len(value)
		}
	}
	entries := C.malloc(C.size_t(n+1) * C.size_t(unsafe.Sizeof(C.hooksig_header{})))
	defer C.free(entries)
	text := C.malloc(C.size_t(size + 1))
	defer C.free(text)
	list := unsafe.Slice((*C.hooksig_header)(entries), n+1)
	buffer := unsafe.Slice((*byte)(text), size+1)
	i, used := 0, 0
	place := func(s string) (*C.char, C.size_t) {
		at := used
		used += copy(buffer[used:], s)
		return (*C.char)(unsafe.Pointer(&buffer[at])), C.size_t(len(s))
	}
	for name, values := range headers {
		for _, value := range values {
			list[i].name, list[i].name_len = place(name)
			list[i].value, list[i].value_len = place(value)
			i++
		}
	}
	var bodyPtr unsafe.Pointer
	if len(body) > 0 {
		bodyPtr = unsafe.Pointer(&body[0])
	}
	return f((*C.hooksig_header)(entries), C.size_t(n), bodyPtr, C.size_t(len(body)))
}

func takeError(e *C.hooksig_error) *Error {
	defer C.hooksig_error_free(e)
	return &Error{
		Code:         C.GoString(C.hooksig_error_code(e)),
		Message:      C.GoString(C.hooksig_error_message(e)),
		Verification: bool(C.hooksig_error_is_verification_error(e)),
	}
}
