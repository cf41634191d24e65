// A net/http webhook receiver on the hooksig C library.
//
//	WEBHOOK_SCHEME=quiltt WEBHOOK_SECRET=... go run . -addr 127.0.0.1:8000
package main

import (
	"errors"
	"flag"
	"io"
	"log"
	"net/http"
	"os"

	"hooksig.example/receiver/hooksig"
)

// maxBody bounds what a sender can make the receiver buffer.
const maxBody = 1 << 20

// webhookHandler answers 204 to a verified webhook of scheme and 401 to anything else.
func webhookHandler(scheme string, verifier *hooksig.Verifier) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			http.Error(w, "unreadable body", http.StatusRequestEntityTooLarge)
			return
		}
		verified, err := verifier.Verify(r.Header, body)
		var rejected *hooksig.Error
		if errors.As(err, &rejected) {
			log.Printf("rejected webhook (%s): %s", rejected.Code, verifier.Diagnose(r.Header, body))
			http.Error(w, rejected.Code, http.StatusUnauthorized)
			return
		}
		// Authentic from here on; where the event type sits is the provider's choice.
		types, err := hooksig.EventTypes(scheme, r.Header, body)
		log.Printf("verified webhook %q (key %d): events %q %v", verified.WebhookID, verified.KeyIndex, types, err)
		w.WriteHeader(http.StatusNoContent)
	})
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8000", "listen address")
	flag.Parse()
	scheme := os.Getenv("WEBHOOK_SCHEME")
	if scheme == "" {
		scheme = "quiltt"
	}
	verifier, err := hooksig.NewVerifier(scheme, []string{os.Getenv("WEBHOOK_SECRET")}, hooksig.DefaultTolerance)
	if err != nil {
		log.Fatalf("hooksig: %v", err)
	}
	http.Handle("/webhook", webhookHandler(scheme, verifier))
	log.Printf("receiving %s webhooks on http://%s/webhook", scheme, *addr)
	log.Fatal(http.ListenAndServe(*addr, nil))
}
