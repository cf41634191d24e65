# frozen_string_literal: true

# Runs the receiver (app.rb) on a local port and sends it signed and tampered
# Quiltt events with `hooksig send`; also runs the conformance vectors through
# the Ruby wrapper. Needs HOOKSIG_CLI (the hooksig binary) and the installed
# library (HOOKSIG_LIB or pkg-config).
require 'minitest/autorun'
require 'base64'
require 'json'
require 'open3'
require 'socket'
require 'tmpdir'
require_relative '../lib/hooksig'

ROOT = File.expand_path('../../..', __dir__)
SECRET = 'quiltt-subscription-secret'

class ReceiverTest < Minitest::Test
  # One server for the whole class, started by the first test that needs it.
  def self.start_server
    @port = Addrinfo.tcp('127.0.0.1', 0).bind { |s| s.local_address.ip_port }
    env = { 'QUILTT_WEBHOOK_SECRET' => SECRET }
    @log = File.join(Dir.tmpdir, "hooksig-sinatra-#{@port}.log")
    @pid = Process.spawn(env, RbConfig.ruby, File.expand_path('../app.rb', __dir__),
                         '-p', @port.to_s, '-o', '127.0.0.1', %i[out err] => @log)
    Minitest.after_run do
      Process.kill('TERM', @pid)
      Process.wait(@pid)
      File.delete(@log)
    end
    200.times do
      return @port unless port_closed?(@port)

      sleep 0.05
    end
    raise "the receiver did not start; its log:\n#{File.read(@log)}"
  end

  def self.port_closed?(port)
    TCPSocket.new('127.0.0.1', port).close
    false
  rescue SystemCallError
    true
  end

  def self.log_text
    File.read(@log)
  end

  def self.url
    @url ||= "http://127.0.0.1:#{start_server}/quiltt_webhook"
  end

  def send_event(*args, secret: SECRET)
    cli = ENV.fetch('HOOKSIG_CLI') { flunk 'set HOOKSIG_CLI to the hooksig binary' }
    out, err, status = Open3.capture3({ 'SECRET' => secret }, cli, 'send', '--scheme', 'quiltt',
                                      '--secret-env', 'SECRET', '--url', self.class.url, *args)
    [out.strip, status.exitstatus, err]
  end

  def test_signed_event_is_accepted
    assert_equal ['204', 0], send_event.take(2)
  end

  def test_signed_account_event_is_accepted_and_routed
    assert_equal ['204', 0], send_event('--event', 'account.verified').take(2)
    assert_match(/is ready for payment processing/, self.class.log_text)
  end

  def test_tampered_event_is_rejected
    assert_equal ['401', 1], send_event('--tamper').take(2)
  end

  def test_event_signed_with_another_secret_is_rejected
    assert_equal ['401', 1], send_event(secret: 'not-the-subscription-secret').take(2)
  end

  def test_vectors_through_the_ruby_wrapper
    cases = JSON.parse(File.read(File.join(ROOT, 'tests/vectors/verify.json')))['cases']
    cases.each do |c|
      scheme = c['scheme'].is_a?(String) ? c['scheme'] : JSON.generate(c['scheme'])
      body = c.key?('body') ? c['body'].b : Base64.decode64(c['body_base64'])
      expect = c['expect']
      begin
        verifier = Hooksig::Verifier.new(scheme, c['secrets'], tolerance: c.fetch('tolerance', 300))
        got = verifier.verify(c['headers'], body, now: c['now'])
        assert expect['ok'], "#{c['name']}: verified, expected #{expect['code']}"
        assert_equal [expect['key_index'], expect['timestamp'], expect['webhook_id']],
                     [got.key_index, got.timestamp, got.webhook_id], c['name']
      rescue Hooksig::Error => e
        refute expect['ok'], "#{c['name']}: #{e.code} (#{e.message})"
        assert_equal expect['code'], e.code, c['name']
      end
    end
  end

  def test_event_matcher_routes_parent_types
    routes = Hooksig::EventMatcher.new(%w[connection.synced.successful card* account.verified], scope: true)
    assert_equal [0], routes.matching('connection.synced.successful.historical')
    assert_equal [1], routes.matching('cardholder.updated')
    assert_empty routes.matching('connection.synced.errored')
    refute routes.matches?('accounts.verified')
    error = assert_raises(Hooksig::Error) { Hooksig::EventMatcher.new(['Card Created!']) }
    assert_equal 'invalid_pattern', error.code
  end

  def test_wrapper_rejects_a_parsed_body_and_names_bad_configuration
    verifier = Hooksig::Verifier.new('quiltt', SECRET)
    assert_raises(TypeError) { verifier.verify({}, { 'events' => [] }) }
    error = assert_raises(Hooksig::Error) { Hooksig::Verifier.new('acme', SECRET) }
    assert_equal 'invalid_scheme', error.code
    refute_kind_of Hooksig::VerificationError, error
    assert_match(/missing header/, verifier.diagnose({}, '{}'))
  end
end
