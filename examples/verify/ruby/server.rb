# A BookFlow webhook receiver using only Ruby's standard library (no gems: WEBrick left the
# standard library in Ruby 3.0, so this speaks just enough HTTP/1.1 over a plain TCPServer).
#
#   PORT=3000 BOOKFLOW_WEBHOOK_SECRET=whsec_... ruby examples/verify/ruby/server.rb
#
# Verifies the Standard Webhooks signature (and X-BookFlow-Signature when present) over the raw
# body, answers 204 when valid and 401 with the reason when not. See docs/signing.md.
require "json"
require "openssl"
require "socket"

PATH = "/webhooks/bookflow"
TOLERANCE_SECONDS = 5 * 60
MAX_BODY_BYTES = 1024 * 1024
MAX_HEADER_BYTES = 16 * 1024
STATUS_TEXT = { 204 => "No Content", 400 => "Bad Request", 401 => "Unauthorized", 404 => "Not Found",
                405 => "Method Not Allowed", 411 => "Length Required", 413 => "Content Too Large" }.freeze

$stdout.sync = true

class Rejection < StandardError
  attr_reader :reason

  def initialize(reason, message)
    super(message)
    @reason = reason
  end
end

# Every configured secret (several during a rotation), as HMAC keys: the base64 after whsec_.
def load_keys(value)
  secrets = value.to_s.split
  abort "BOOKFLOW_WEBHOOK_SECRET is not set (one or more whsec_... secrets, space-separated)" if secrets.empty?
  secrets.map do |secret|
    key = secret.delete_prefix("whsec_").unpack1("m0") # m0: strict base64
    key.empty? ? raise(ArgumentError) : key
  rescue ArgumentError
    abort "BOOKFLOW_WEBHOOK_SECRET holds a value that is not whsec_<base64>"
  end
end

KEYS = load_keys(ENV["BOOKFLOW_WEBHOOK_SECRET"])
# For tests only: a fixed "now" (unix seconds) so a recorded request, such as the Standard
# Webhooks test vector, can be checked. Never set it in production: it disables the replay window.
FIXED_NOW = ENV["BOOKFLOW_VERIFY_NOW"].to_s.empty? ? nil : Integer(ENV["BOOKFLOW_VERIFY_NOW"])
warn "BOOKFLOW_VERIFY_NOW is set: the clock is fixed at #{FIXED_NOW}" if FIXED_NOW

def hmac(key, data) = OpenSSL::HMAC.digest("SHA256", key, data)

# An entry that does not decode cannot match any digest, so it becomes "".
def decode(text, encoding)
  return text.unpack1("m0") if encoding == :base64 # m0: strict base64

  text.match?(/\A(\h\h)+\z/) ? [text].pack("H*") : ""
rescue ArgumentError
  ""
end

# The entries of a space-separated signature header that carry the given scheme prefix.
def entries(header, prefix, encoding)
  found = header.split.select { |e| e.start_with?(prefix) }
  raise Rejection.new("bad_format", "signature header has no \"#{prefix}\" entry") if found.empty?
  found.map { |e| decode(e.delete_prefix(prefix), encoding) }
end

# Constant-time: every presented entry is compared with every key's digest, with no early exit.
def any_match?(presented, expected)
  presented.product(expected).map { |p, e| p.bytesize == e.bytesize && OpenSSL.fixed_length_secure_compare(p, e) }.any?
end

def verify_standard(headers, body)
  id, timestamp, signature = headers.values_at("webhook-id", "webhook-timestamp", "webhook-signature")
  missing = { "webhook-id" => id, "webhook-timestamp" => timestamp, "webhook-signature" => signature }
            .select { |_, v| v.to_s.empty? }.keys
  raise Rejection.new("missing_header", "missing header(s): #{missing.join(', ')}") unless missing.empty?
  unless timestamp.match?(/\A[0-9]{1,12}\z/)
    raise Rejection.new("bad_format", "webhook-timestamp must be integer seconds since the epoch")
  end

  now = FIXED_NOW || Time.now.to_i
  if timestamp.to_i < now - TOLERANCE_SECONDS
    raise Rejection.new("stale_timestamp", "webhook-timestamp is more than #{TOLERANCE_SECONDS} s old")
  end
  if timestamp.to_i > now + TOLERANCE_SECONDS
    raise Rejection.new("future_timestamp", "webhook-timestamp is more than #{TOLERANCE_SECONDS} s ahead")
  end

  presented = entries(signature, "v1,", :base64)
  expected = KEYS.map { |key| hmac(key, "#{id}.#{timestamp}.".b + body) }
  return if any_match?(presented, expected)

  raise Rejection.new("no_matching_signature", "no webhook-signature entry matches a configured secret")
end

# X-BookFlow-Signature: sha256=<hex HMAC of the body>. Checked only when the header is present.
def verify_bookflow(headers, body)
  return unless headers.key?("x-bookflow-signature")

  presented = entries(headers["x-bookflow-signature"], "sha256=", :hex)
  return if any_match?(presented, KEYS.map { |key| hmac(key, body) })

  raise Rejection.new("no_matching_signature", "no x-bookflow-signature entry matches a configured secret")
end

# The webhook itself: [status, text] for the verified or refused request.
def handle(method, target, headers, body)
  return [404, "not found"] unless target.to_s.split("?").first == PATH
  return [405, "method not allowed"] unless method == "POST"

  begin
    verify_standard(headers, body)
    verify_bookflow(headers, body)
  rescue Rejection => e
    puts "rejected: #{e.reason}: #{e.message}"
    return [401, "#{e.reason}: #{e.message}"]
  end
  event = JSON.parse(body)
  event = {} unless event.is_a?(Hash)
  # Process the event here (idempotently: a retry carries the same id), or queue it and answer at once.
  puts "verified #{event['id'] || headers['webhook-id']} #{event['type'] || headers['x-bookflow-event-type'] || 'unknown'}"
  [204, nil]
rescue JSON::ParserError
  [400, "body is not JSON"]
end

# Minimal HTTP/1.1: one request per connection, Content-Length bodies only (BookFlow always sends one).
def serve(client)
  request_line = client.gets("\r\n", MAX_HEADER_BYTES)
  return unless request_line

  method, target = request_line.split(" ", 3)
  headers = {}
  header_bytes = 0
  while (line = client.gets("\r\n", MAX_HEADER_BYTES)) && line != "\r\n"
    header_bytes += line.bytesize
    return client.write("HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\n\r\n") if header_bytes > MAX_HEADER_BYTES

    name, value = line.split(":", 2)
    headers[name.strip.downcase] = value.to_s.strip if name
  end
  status, text =
    if headers.key?("transfer-encoding") || (method == "POST" && !headers.key?("content-length"))
      [411, "a Content-Length body is required"]
    elsif !headers.fetch("content-length", "0").match?(/\A[0-9]+\z/)
      [400, "bad Content-Length"]
    elsif headers["content-length"].to_i > MAX_BODY_BYTES
      [413, "body too large"]
    else
      # The raw bytes, exactly as sent: re-serialising parsed JSON would change them and break the HMAC.
      body = client.read(headers["content-length"].to_i) || ""
      handle(method, target, headers, body.b)
    end
  response = "HTTP/1.1 #{status} #{STATUS_TEXT.fetch(status)}\r\nconnection: close\r\n"
  response += "content-type: text/plain; charset=utf-8\r\ncontent-length: #{text.bytesize + 1}\r\n\r\n#{text}\n" if text
  client.write(text ? response : "#{response}\r\n")
rescue IOError, SystemCallError
  nil # the client went away
ensure
  client.close
end

server = TCPServer.new(ENV.fetch("HOST", "127.0.0.1"), Integer(ENV.fetch("PORT", "3000")))
puts "listening on http://#{server.addr[3]}:#{server.addr[1]}#{PATH}"
loop { Thread.new(server.accept) { |client| serve(client) } }
