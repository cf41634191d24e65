# frozen_string_literal: true

# Ruby access to the hooksig C library through the ffi gem (Debian's
# ruby-ffi): a Verifier that checks a webhook's headers and raw body.
#
#   verifier = Hooksig::Verifier.new('quiltt', ENV.fetch('QUILTT_WEBHOOK_SECRET'))
#   verifier.verify(headers, request.body.read)   # raises Hooksig::VerificationError
#
# The library is found through HOOKSIG_LIB (a path to libhooksig.so), else
# `pkg-config --variable=libdir hooksig`, else the system's library path.
require 'ffi'

module Hooksig
  # Raised for a configuration problem (bad secret, unknown scheme) or a bad call.
  class Error < StandardError
    # The stable code, e.g. "invalid_secret", the same in every hooksig binding.
    attr_reader :code

    def initialize(code, message)
      super(message)
      @code = code
    end
  end

  # Raised for a request that fails verification: answer it with 401.
  class VerificationError < Error; end

  # What a successful verification found.
  Verified = Struct.new(:key_index, :timestamp, :webhook_id)

  # The C functions, as declared in hooksig.h.
  module Native
    extend FFI::Library

    def self.library_path
      return ENV['HOOKSIG_LIB'] if ENV['HOOKSIG_LIB']

      libdir = IO.popen(%w[pkg-config --variable=libdir hooksig], err: File::NULL, &:read).strip
      libdir.empty? ? 'hooksig' : File.join(libdir, 'libhooksig.so')
    rescue SystemCallError
      'hooksig'
    end

    ffi_lib library_path

    NOW = -(2**63) # HOOKSIG_NOW

    # hooksig_header: name and value as pointer + length.
    class Header < FFI::Struct
      layout :name, :pointer, :name_len, :size_t, :value, :pointer, :value_len, :size_t
    end

    attach_function :hooksig_verifier_new, %i[string pointer size_t uint64 pointer pointer], :int
    attach_function :hooksig_verifier_free, [:pointer], :void
    attach_function :hooksig_verify, %i[pointer pointer size_t pointer size_t int64 pointer pointer], :int
    attach_function :hooksig_diagnose, %i[pointer pointer size_t pointer size_t int64 pointer pointer], :int
    attach_function :hooksig_verified_key_index, [:pointer], :size_t
    attach_function :hooksig_verified_timestamp, %i[pointer pointer], :bool
    attach_function :hooksig_verified_webhook_id, [:pointer], :string
    attach_function :hooksig_verified_free, [:pointer], :void
    attach_function :hooksig_error_code, [:pointer], :string
    attach_function :hooksig_error_message, [:pointer], :string
    attach_function :hooksig_error_is_verification_error, [:pointer], :bool
    attach_function :hooksig_error_free, [:pointer], :void
    attach_function :hooksig_string_free, [:pointer], :void
    attach_function :hooksig_matcher_new, %i[pointer size_t bool pointer pointer], :int
    attach_function :hooksig_matcher_free, [:pointer], :void
    attach_function :hooksig_matcher_matching, %i[pointer string pointer size_t pointer pointer], :int
    attach_function :hooksig_version, [], :string

    # Calls a hooksig function whose last argument is `hooksig_error **` and
    # raises its error, if any, as a Ruby exception.
    def self.call(function, *args)
      error = FFI::MemoryPointer.new(:pointer)
      status = send(function, *args, error)
      return if status.zero?

      pointer = error.read_pointer
      begin
        code = hooksig_error_code(pointer)
        message = hooksig_error_message(pointer).dup.force_encoding(Encoding::UTF_8)
        klass = hooksig_error_is_verification_error(pointer) ? VerificationError : Error
      ensure
        hooksig_error_free(pointer)
      end
      raise klass.new(code, message)
    end
  end

  # The version of the loaded C library.
  def self.version
    Native.hooksig_version
  end

  # NUL-terminated copies of `strings` and an array of pointers to them, for
  # the `const char *const *` parameters; the copies live as long as the array.
  def self.string_array(strings)
    copies = strings.map { |s| FFI::MemoryPointer.from_string(s.to_s) }
    array = FFI::MemoryPointer.new(:pointer, [copies.size, 1].max)
    array.write_array_of_pointer(copies)
    array.instance_variable_set(:@copies, copies)
    array
  end

  # Event-type subscriptions, compiled once: `*` alone matches everything,
  # `card*` / `card.*` are globs, and with `scope: true` a plain pattern
  # (Quiltt's parent types) also matches every type below it.
  class EventMatcher
    def initialize(patterns, scope: false)
      @size = patterns.size
      out = FFI::MemoryPointer.new(:pointer)
      Native.call(:hooksig_matcher_new, Hooksig.string_array(patterns), @size, scope, out)
      @handle = FFI::AutoPointer.new(out.read_pointer, Native.method(:hooksig_matcher_free))
    end

    # The indexes of the patterns `event_type` matches, ascending.
    def matching(event_type)
      indexes = FFI::MemoryPointer.new(:size_t, [@size, 1].max)
      count = FFI::MemoryPointer.new(:size_t)
      Native.call(:hooksig_matcher_matching, @handle, event_type.to_s, indexes, @size, count)
      indexes.get_array_of_ulong(0, [count.read_ulong, @size].min) # size_t is unsigned long on LP64
    end

    def matches?(event_type)
      !matching(event_type).empty?
    end
  end

  # Verifies webhooks of one scheme ("quiltt", "standard", "stripe", ... or a
  # custom-scheme JSON string) against one or more secrets. Create one per
  # endpoint and share it: it is immutable and thread-safe.
  class Verifier
    def initialize(scheme, secrets, tolerance: 300)
      secrets = Array(secrets)
      out = FFI::MemoryPointer.new(:pointer)
      Native.call(:hooksig_verifier_new, scheme.to_s, Hooksig.string_array(secrets), secrets.size, tolerance, out)
      @handle = FFI::AutoPointer.new(out.read_pointer, Native.method(:hooksig_verifier_free))
    end

    # Checks `headers` (a Hash or [name, value] pairs; an Array value means a
    # repeated header) and the raw `body` String. Returns a Verified or raises
    # VerificationError. `now` (Unix seconds) replaces the clock in tests.
    def verify(headers, body, now: nil)
      with_request(headers, body) do |array, count, buffer, length|
        result = FFI::MemoryPointer.new(:pointer)
        Native.call(:hooksig_verify, @handle, array, count, buffer, length, now || Native::NOW, result)
        verified_from(result.read_pointer)
      end
    end

    # Why the request fails to verify, as one sentence for a developer's log;
    # nil when it verifies. Never contains a secret or a signature.
    def diagnose(headers, body, now: nil)
      with_request(headers, body) do |array, count, buffer, length|
        out = FFI::MemoryPointer.new(:pointer)
        Native.call(:hooksig_diagnose, @handle, array, count, buffer, length, now || Native::NOW, out)
        explanation = out.read_pointer
        next nil if explanation.null?

        begin
          explanation.read_string.force_encoding(Encoding::UTF_8)
        ensure
          Native.hooksig_string_free(explanation)
        end
      end
    end

    private

    def with_request(headers, body)
      raise TypeError, 'body must be the raw request body (a String), not a parsed object' unless body.is_a?(String)

      pairs = headers.to_a.flat_map { |name, value| Array(value).map { |v| [name.to_s, v.to_s] } }
      keep = [] # the MemoryPointers must outlive the call
      array = FFI::MemoryPointer.new(Native::Header, [pairs.size, 1].max)
      pairs.each_with_index do |(name, value), i|
        header = Native::Header.new(array + (i * Native::Header.size))
        keep << (name_ptr = FFI::MemoryPointer.from_string(name))
        keep << (value_ptr = FFI::MemoryPointer.from_string(value))
        header[:name] = name_ptr
        header[:name_len] = name.bytesize
        header[:value] = value_ptr
        header[:value_len] = value.bytesize
      end
      buffer = FFI::MemoryPointer.new(:uint8, [body.bytesize, 1].max)
      buffer.put_bytes(0, body)
      yield array, pairs.size, buffer, body.bytesize
    end

    def verified_from(pointer)
      timestamp = FFI::MemoryPointer.new(:int64)
      has_timestamp = Native.hooksig_verified_timestamp(pointer, timestamp)
      Verified.new(
        Native.hooksig_verified_key_index(pointer),
        has_timestamp ? timestamp.read_int64 : nil,
        Native.hooksig_verified_webhook_id(pointer)&.dup
      )
    ensure
      Native.hooksig_verified_free(pointer)
    end
  end
end
