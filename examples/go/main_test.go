package main

import (
	"log"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"

	"hooksig.example/receiver/hooksig"
)

// Starts the receiver on a local port and sends it signed and tampered
// events with `hooksig send` (HOOKSIG_CLI, or hooksig on PATH).
func TestReceiverWithHooksigSend(t *testing.T) {
	cli := os.Getenv("HOOKSIG_CLI")
	if cli == "" {
		var err error
		if cli, err = exec.LookPath("hooksig"); err != nil {
			t.Fatal("set HOOKSIG_CLI to the hooksig binary")
		}
	}
	log.SetOutput(logWriter{t}) // the receiver's log, shown with -v or on failure
	defer log.SetOutput(os.Stderr)
	secrets := map[string][2]string{ // the endpoint's secret, and another valid one
		"quiltt":   {"quiltt-subscription-secret", "another-quiltt-secret"},
		"standard": {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_QW5vdGhlciBzZWNyZXQgb2YgMjQgYnl0ZXM="},
		"github":   {"github-webhook-secret", "another-github-secret"},
		"tratta":   {"tratta-secret-0123456789", "another-tratta-secret-0123"},
	}
	for scheme, pair := range secrets {
		secret, another := pair[0], pair[1]
		verifier, err := hooksig.NewVerifier(scheme, []string{secret}, hooksig.DefaultTolerance)
		if err != nil {
			t.Fatal(err)
		}
		server := httptest.NewServer(webhookHandler(scheme, verifier))
		for _, c := range []struct {
			name, secret, status string
			args                 []string
		}{
			{"signed", secret, "204", nil},
			{"tampered", secret, "401", []string{"--tamper"}},
			{"signed with another secret", another, "401", nil},
		} {
			cmd := exec.Command(cli, append([]string{"send", "--scheme", scheme, "--secret-env", "SECRET", "--url", server.URL + "/webhook"}, c.args...)...)
			cmd.Env = append(os.Environ(), "SECRET="+c.secret)
			out, _ := cmd.Output()
			if got := strings.TrimSpace(string(out)); got != c.status {
				t.Errorf("%s, %s: status %q, want %s", scheme, c.name, got, c.status)
			}
		}
		server.Close()
		verifier.Close()
	}
}

type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
