// SPDX-License-Identifier: Apache-2.0
/// A message of Hypha's RPC: one msgpack map, the header, followed by the body
/// (bytes the header does not describe; hypha-rpc puts more msgpack there).
///
/// Messages travel as `b:` events named `<target>:msg`, where the target is
/// `<workspace>/<client id>` (`<workspace>/*` for everyone in a workspace,
/// `*/<id>` for a workspace manager). The header names the receiver (`to`), the
/// sender (`from`), the workspace it is sent in (`ws`), the sender's user (`user`), and what the
/// message is (`type`, and `method` for a call).
///
/// ``parse(_:)`` reads a header as Python's msgpack does with its defaults, so that
/// ``encoded()`` writes what `msgpack.packb` would write for it (see ``parse(_:)``).
public struct RPCMessage: Sendable, Equatable {
    /// What ends the event name of every RPC message: `:msg`.
    public static let eventSuffix = ":msg"

    /// The header: a ``MessagePackValue/map(_:)`` (each key once, when read by ``parse(_:)``).
    public private(set) var header: MessagePackValue
    /// What follows the header, unchanged.
    public var body: [UInt8]

    /// A message with these header entries (string keys, in order) and body.
    public init(header: KeyValuePairs<String, MessagePackValue>, body: [UInt8] = []) {
        self.header = .map(header.map { (key: .string($0.key), value: $0.value) })
        self.body = body
    }

    /// A message whose header has these entries, in order, and this body.
    public init(headerEntries: [(key: MessagePackValue, value: MessagePackValue)], body: [UInt8] = []) {
        header = .map(headerEntries)
        self.body = body
    }

    /// The event name that carries messages for `target`: `<target>:msg`.
    public static func event(for target: String) -> String {
        target + eventSuffix
    }

    /// The header's value for a string key; setting it replaces the value where
    /// the key is (so the entries keep their order) or adds the key at the end, as
    /// Python's `dict.update` does.
    public subscript(key: String) -> MessagePackValue? {
        get { header[key] }
        set {
            guard case .map(var entries) = header else { return }
            if let index = entries.firstIndex(where: { $0.key.isString(key) }) {
                if let newValue { entries[index].value = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append((.string(key), newValue))
            }
            header = .map(entries)
        }
    }

    /// `to`: whom the message is for, when it is a string.
    public var to: String? { self["to"]?.stringValue }
    /// `from`: who sent it (`<workspace>/<client id>`), when it is a string.
    public var from: String? { self["from"]?.stringValue }
    /// `ws`: the workspace the message is sent in (the sender's; the target's when
    /// a workspace manager sends it), when it is a string.
    public var workspace: String? { self["ws"]?.stringValue }
    /// `type`: what kind of message it is (`method`, `log`, …), when it is a string.
    public var type: String? { self["type"]?.stringValue }
    /// `method`: the method a call is for, when it is a string.
    public var method: String? { self["method"]?.stringValue }

    /// The header's msgpack followed by the body.
    public func encoded() -> [UInt8] {
        var out = MessagePack.encode(header)
        out += body
        return out
    }

    /// Reads a message: the msgpack map it starts with, and the rest as the body.
    ///
    /// The header is read as Python's msgpack `Unpacker` reads it by default and
    /// kept as `packb` would write it back: map keys must be strings or bytes
    /// (`strict_map_key`), a key given twice keeps its first place and its last
    /// value, 32-bit floats become 64-bit ones, and timestamps (ext type -1) must be
    /// 4, 8 or 12 bytes with fewer than 10⁹ nanoseconds and are written in their
    /// shortest form.
    public static func parse(_ bytes: [UInt8]) throws(RPCMessageError) -> RPCMessage {
        guard let first = bytes.first else {
            throw RPCMessageError(.notAMessage, "the message is empty: it must start with a msgpack map (the header)")
        }
        guard let header = MessagePack.decodeFirst(bytes) else {
            throw RPCMessageError(
                .notAMessage,
                "the message does not start with a whole msgpack value (\(bytes.count) bytes, first 0x\(hex(first)))")
        }
        guard case .map = header.value else {
            throw RPCMessageError(
                .notAMessage, "the message starts with a msgpack \(header.value.kindName), not a map (the header)")
        }
        var message = RPCMessage(headerEntries: [], body: Array(bytes[header.count...]))
        message.header = try pythonValue(header.value)
        return message
    }

    /// What Python makes of `value` when it reads and writes it back.
    private static func pythonValue(_ value: MessagePackValue) throws(RPCMessageError) -> MessagePackValue {
        switch value {
        case .float(let number):
            return .double(Double(number))
        case .ext(-1, let data):
            return try canonicalTimestamp(data)
        case .array(let items):
            var converted: [MessagePackValue] = []
            converted.reserveCapacity(items.count)
            for item in items { converted.append(try pythonValue(item)) }
            return .array(converted)
        case .map(let entries):
            var merged: [(key: MessagePackValue, value: MessagePackValue)] = []
            merged.reserveCapacity(entries.count)
            for (key, item) in entries {
                switch key {
                case .string, .binary: break
                default:
                    throw RPCMessageError(
                        .invalidHeader,
                        "the header has a map key of type \(key.kindName): Python's msgpack accepts only str and bin keys"
                    )
                }
                let item = try pythonValue(item)
                if let index = merged.firstIndex(where: { $0.key == key }) {
                    merged[index].value = item
                } else {
                    merged.append((key, item))
                }
            }
            return .map(merged)
        default:
            return value
        }
    }

    /// A msgpack timestamp as Python's `Timestamp` reads and writes it: 32 bits
    /// when there are no nanoseconds and the seconds fit, 64 when the seconds fit 34
    /// bits, else 96.
    private static func canonicalTimestamp(_ data: [UInt8]) throws(RPCMessageError) -> MessagePackValue {
        func number(_ bytes: ArraySlice<UInt8>) -> UInt64 { bytes.reduce(0) { $0 << 8 | UInt64($1) } }
        let seconds: Int64
        let nanoseconds: UInt64
        switch data.count {
        case 4:
            (seconds, nanoseconds) = (Int64(number(data[...])), 0)
        case 8:
            let packed = number(data[...])
            (seconds, nanoseconds) = (Int64(packed & 0x3_ffff_ffff), packed >> 34)
        case 12:
            (seconds, nanoseconds) = (Int64(bitPattern: number(data[4...])), number(data[..<4]))
        default:
            throw RPCMessageError(
                .invalidHeader, "the header has a timestamp (ext -1) of \(data.count) bytes: it must be 4, 8 or 12")
        }
        guard nanoseconds < 1_000_000_000 else {
            throw RPCMessageError(
                .invalidHeader, "the header has a timestamp with \(nanoseconds) nanoseconds: at most 999999999")
        }
        var out: [UInt8] = []
        if seconds >> 34 == 0 {
            let packed = nanoseconds << 34 | UInt64(seconds)
            MessagePack.appendBigEndian(packed, width: packed >> 32 == 0 ? 4 : 8, to: &out)
        } else {
            MessagePack.appendBigEndian(nanoseconds, width: 4, to: &out)
            MessagePack.appendBigEndian(UInt64(bitPattern: seconds), width: 8, to: &out)
        }
        return .ext(type: -1, data: out)
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16)
        return digits.count == 1 ? "0" + digits : digits
    }
}

// MARK: - Routing

extension RPCMessage {
    /// Where a message whose `to` is `to` goes when sent from `workspace`, as
    /// Hypha's `RedisRPCConnection.emit_message` decides: a target with a `/` is
    /// used as it is; one without is a client of the sender's workspace.
    ///
    /// A target without a `/` that starts with `ws-` is refused: it names no
    /// workspace but looks like one (Hypha's workspaces are `ws-user-…`,
    /// `ws-anonymous`, …), and a workspace manager is addressed as `*/<id>`. (Hypha's
    /// own check looks for `/ws-` in a target it already knows has no `/`, so it
    /// never fires; a client id merely containing `ws-`, such as `news-reader`, is
    /// a client's.)
    public static func target(_ to: String, fromWorkspace workspace: String) throws(RPCMessageError) -> String {
        if to.utf8.contains(UInt8(ascii: "/")) { return to }
        if to.utf8.starts(with: "ws-".utf8) {
            throw RPCMessageError(
                .invalidTarget,
                "target \(to.debugDescription) names no workspace and looks like a workspace id: a workspace manager is addressed as */<id>, a client of another workspace as <workspace>/<client id>"
            )
        }
        return workspace + "/" + to
    }

    /// The message as a connection in `workspace` with `clientID` sends it, and
    /// where to: `to` resolved by ``target(_:fromWorkspace:)``, then `ws` (the
    /// target's workspace when `workspace` is `*`, else `workspace`), `to` (the
    /// resolved target), `from` (`<workspace>/<clientID>`) and `user` set in the
    /// header, the body unchanged.
    public func addressed(fromWorkspace workspace: String, clientID: String, user: MessagePackValue)
        throws(RPCMessageError) -> (target: String, message: RPCMessage)
    {
        guard let value = self["to"] else {
            throw RPCMessageError(.missingTarget, "the header has no \"to\": whom is the message for?")
        }
        guard let to = value.stringValue else {
            throw RPCMessageError(
                .invalidTarget,
                "the header's \"to\" is of type \(value.kindName), not a string such as <workspace>/<client id>")
        }
        let target = try Self.target(to, fromWorkspace: workspace)
        var sent = self
        let targetWorkspace = target.split(separator: "/", omittingEmptySubsequences: false)[0]
        sent["ws"] = .string(workspace == "*" ? String(targetWorkspace) : workspace)
        sent["to"] = .string(target)
        sent["from"] = .string(workspace + "/" + clientID)
        sent["user"] = user
        return (target, sent)
    }

    /// The message carried by an event: when its name ends in `:msg` and its bytes
    /// are a message that ``parse(_:)`` reads; nil otherwise.
    public static func carried(byEvent event: String, _ bytes: [UInt8]) -> RPCMessage? {
        isMessageEvent(event.utf8) ? try? parse(bytes) : nil
    }

    /// Whether an event name (its UTF-8) ends in `:msg`.
    static func isMessageEvent(_ name: some Collection<UInt8>) -> Bool {
        name.count >= eventSuffix.utf8.count && name.suffix(eventSuffix.utf8.count).elementsEqual(eventSuffix.utf8)
    }
}

/// Why bytes are not an RPC message, or a message cannot be sent where it says.
public struct RPCMessageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The families of failure; more may come, so a `switch` needs a default.
    public struct Kind: Hashable, Sendable {
        let name: String
        /// The bytes do not start with a msgpack map.
        public static let notAMessage = Kind(name: "notAMessage")
        /// The header has what Python's msgpack refuses (a key that is not a
        /// string or bytes, a malformed timestamp).
        public static let invalidHeader = Kind(name: "invalidHeader")
        /// The header has no `to`.
        public static let missingTarget = Kind(name: "missingTarget")
        /// `to` is not a string, or names no workspace where it must.
        public static let invalidTarget = Kind(name: "invalidTarget")
    }

    /// Which family this failure belongs to.
    public let kind: Kind
    /// What is wrong, in one line.
    public let description: String

    init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}

extension MessagePackValue {
    /// The msgpack family's name, for messages: `nil`, `bool`, `int`, `float`,
    /// `str`, `bin`, `array`, `map` or `ext`.
    public var kindName: String {
        switch self {
        case .nil: "nil"
        case .bool: "bool"
        case .int, .uint: "int"
        case .float, .double: "float"
        case .string: "str"
        case .binary: "bin"
        case .array: "array"
        case .map: "map"
        case .ext: "ext"
        }
    }
}
