# frozen_string_literal: true

# Quiltt's Sinatra webhook receiver from its docs, with the hand-written
# checks replaced by hooksig: the timestamp is checked in both directions,
# the signature in constant time over the raw body, and a bad request gets
# 401 instead of a silent 204.
#
#   QUILTT_WEBHOOK_SECRET=... ruby app.rb -p 8000
require 'sinatra'
require 'json'
require_relative 'lib/hooksig'

$stdout.sync = true

VERIFIER = Hooksig::Verifier.new('quiltt', ENV.fetch('QUILTT_WEBHOOK_SECRET'), tolerance: 300)
# Quiltt's parent-type semantics: 'connection.synced.successful' also routes
# every 'connection.synced.successful.*' event.
ROUTES = Hooksig::EventMatcher.new(%w[connection.synced.successful account.verified], scope: true)

# Rack keeps request headers in the environment as HTTP_QUILTT_SIGNATURE etc.
def request_headers(env)
  env.filter_map do |key, value|
    next unless key.start_with?('HTTP_')

    [key.delete_prefix('HTTP_').tr('_', '-'), value]
  end
end

post '/quiltt_webhook' do
  payload = request.body.read
  begin
    VERIFIER.verify(request_headers(request.env), payload)
  rescue Hooksig::VerificationError => e
    logger.warn "rejected webhook (#{e.code}): #{VERIFIER.diagnose(request_headers(request.env), payload)}"
    halt 401, e.code
  end

  webhook = JSON.parse(payload)
  webhook['events'].each do |event|
    case ROUTES.matching(event['type']).first
    when 0
      puts "Connection with ID #{event.dig('record', 'id')} has synced successfully!"
    when 1
      puts "Account with ID #{event.dig('record', 'id')} is ready for payment processing!"
    else
      puts "Unhandled event #{event['type']}"
    end
  end
  status 204
end
