// SPDX-License-Identifier: Apache-2.0
import HyphaWire
import Testing

/// The header rules of Hypha's `RedisRPCConnection.emit_message`, from byte
/// fixtures. Each fixture's input was written with Python's msgpack 1.1
/// (`packb(header) + body`, or by hand where the encoding itself is the point),
/// and its output is what `emit_message` made of it: the header unpacked with
/// `msgpack.Unpacker`, updated with `ws`, `to`, `from` and `user`, and packed
/// again with `packb`, followed by the body unchanged. The user is
/// `packb({"id": "alice-id", "is_anonymous": False, "email": "alice@example.org",
/// "roles": ["admin"], "scope": {"workspaces": {"ws-1": "rw"}}, "expires_at": None})`.
@Suite("RPC messages: Hypha's header rules, from fixtures")
struct RPCMessageTests {
    static let user: MessagePackValue = [
        "id": "alice-id", "is_anonymous": false, "email": "alice@example.org", "roles": ["admin"],
        "scope": ["workspaces": ["ws-1": "rw"]], "expires_at": .nil,
    ]
    static let userHex =
        "86a26964a8616c6963652d6964ac69735f616e6f6e796d6f7573c2a5656d61696cb1616c696365406578616d706c652e6f7267"
        + "a5726f6c657391a561646d696ea573636f706581aa776f726b73706163657381a477732d31a27277aa657870697265735f6174c0"

    struct Fixture: Sendable, CustomTestStringConvertible {
        let name: String
        let workspace: String
        let clientID: String
        let input: String
        let target: String
        let output: String
        var testDescription: String { name }
    }

    /// `U` in an output stands for the user's bytes.
    static let fixtures: [Fixture] = [
        // packb({"type": "method", "to": "bob", "method": "services.echo"}) + packb([1, "two", b"\x03"])
        Fixture(
            name: "a target without / is a client of the sender's workspace; the body follows unchanged",
            workspace: "ws-1", clientID: "alice",
            input: "83a474797065a66d6574686f64a2746fa3626f62a66d6574686f64ad73657276696365732e6563686f"
                + "9301a374776fc40103",
            target: "ws-1/bob",
            output: "86a474797065a66d6574686f64a2746fa877732d312f626f62a66d6574686f64ad73657276696365732e6563686f"
                + "a27773a477732d31a466726f6daa77732d312f616c696365a475736572U9301a374776fc40103"),
        // packb({"to": "ws-2/bob", "type": "method"}) + the same body
        Fixture(
            name: "a target with / is used as it is; ws stays the sender's workspace",
            workspace: "ws-1", clientID: "alice",
            input: "82a2746fa877732d322f626f62a474797065a66d6574686f649301a374776fc40103",
            target: "ws-2/bob",
            output: "85a2746fa877732d322f626f62a474797065a66d6574686f64a27773a477732d31a466726f6daa77732d312f616c696365"
                + "a475736572U9301a374776fc40103"),
        // packb({"to": "ws-2/bob", "type": "log"}), sent by a workspace manager (workspace "*")
        Fixture(
            name: "from workspace *, ws is the target's workspace",
            workspace: "*", clientID: "manager-s1",
            input: "82a2746fa877732d322f626f62a474797065a36c6f67",
            target: "ws-2/bob",
            output: "85a2746fa877732d322f626f62a474797065a36c6f67a27773a477732d32a466726f6dac2a2f6d616e616765722d7331"
                + "a475736572U"),
        // packb({"to": "bob"}) from workspace "*"
        Fixture(
            name: "from workspace *, a target without / is in workspace *",
            workspace: "*", clientID: "manager-s1",
            input: "81a2746fa3626f62",
            target: "*/bob",
            output: "84a2746fa52a2f626f62a27773a12aa466726f6dac2a2f6d616e616765722d7331a475736572U"),
        // packb({"to": "*/manager-s1", "method": "get_service"}) + packb(None)
        Fixture(
            name: "a workspace manager is addressed as */id",
            workspace: "ws-1", clientID: "alice",
            input: "82a2746fac2a2f6d616e616765722d7331a66d6574686f64ab6765745f73657276696365c0",
            target: "*/manager-s1",
            output: "85a2746fac2a2f6d616e616765722d7331a66d6574686f64ab6765745f73657276696365a27773a477732d31"
                + "a466726f6daa77732d312f616c696365a475736572Uc0"),
        // packb({"to": "news-reader"})
        Fixture(
            name: "a client id that merely contains ws- is a client's",
            workspace: "ws-1", clientID: "alice",
            input: "81a2746fab6e6577732d726561646572",
            target: "ws-1/news-reader",
            output: "84a2746fb077732d312f6e6577732d726561646572a27773a477732d31a466726f6daa77732d312f616c696365"
                + "a475736572U"),
        // packb({"user": "root", "from": "ws-9/mallory", "to": "bob", "ws": "ws-9", "x": 1}) + b"BODY"
        Fixture(
            name: "ws, from and user a sender wrote are replaced where they stand",
            workspace: "ws-1", clientID: "alice",
            input: "85a475736572a4726f6f74a466726f6dac77732d392f6d616c6c6f7279a2746fa3626f62a27773a477732d39a17801"
                + "424f4459",
            target: "ws-1/bob",
            output: "85a475736572Ua466726f6daa77732d312f616c696365a2746fa877732d312f626f62a27773a477732d31a17801"
                + "424f4459"),
        // By hand: map16 of {str8 "to": str8 "bob", "n": uint32 5, "m": int16 -3, "f": float32 1.5} + 01 02
        Fixture(
            name: "the header is written back in Python's shortest forms; 32-bit floats become 64-bit",
            workspace: "ws-1", clientID: "alice",
            input: "de0004d902746fd903626f62a16ece00000005a16dd1fffda166ca3fc000000102",
            target: "ws-1/bob",
            output: "87a2746fa877732d312f626f62a16e05a16dfda166cb3ff8000000000000a27773a477732d31a466726f6d"
                + "aa77732d312f616c696365a475736572U0102"),
        // By hand: {"a": 1, "to": "x", "a": 2, "to": "bob"}
        Fixture(
            name: "a key given twice keeps its first place and its last value",
            workspace: "ws-1", clientID: "alice",
            input: "84a16101a2746fa178a16102a2746fa3626f62",
            target: "ws-1/bob",
            output: "85a16102a2746fa877732d312f626f62a27773a477732d31a466726f6daa77732d312f616c696365a475736572U"),
        // By hand: {"to": "bob", "t": timestamp 96-bit (0 ns, 1700000000 s)}
        Fixture(
            name: "a timestamp is written back in its shortest form (32 bits)",
            workspace: "ws-1", clientID: "alice",
            input: "82a2746fa3626f62a174c70cff00000000000000006553f100",
            target: "ws-1/bob",
            output: "85a2746fa877732d312f626f62a174d6ff6553f100a27773a477732d31a466726f6daa77732d312f616c696365"
                + "a475736572U"),
        // By hand: the same with 5 ns
        Fixture(
            name: "a timestamp with nanoseconds is written back in 64 bits",
            workspace: "ws-1", clientID: "alice",
            input: "82a2746fa3626f62a174c70cff00000005000000006553f100",
            target: "ws-1/bob",
            output: "85a2746fa877732d312f626f62a174d7ff000000146553f100a27773a477732d31a466726f6daa77732d312f616c696365"
                + "a475736572U"),
        // packb({b"k": b"\x00\xff", "to": "bob", "e": ExtType(5, b"abc"),
        //        "nested": {"s": "x" * 40, "n": -200, "big": 2**63 + 1}}) + packb([1, "two", b"\x03"])
        Fixture(
            name: "bytes keys, bin, ext and nested values go through unchanged",
            workspace: "ws-1", clientID: "alice",
            input: "84c4016bc40200ffa2746fa3626f62a165c70305616263a66e657374656483a173d928"
                + String(repeating: "78", count: 40) + "a16ed1ff38a3626967cf80000000000000019301a374776fc40103",
            target: "ws-1/bob",
            output: "87c4016bc40200ffa2746fa877732d312f626f62a165c70305616263a66e657374656483a173d928"
                + String(repeating: "78", count: 40) + "a16ed1ff38a3626967cf8000000000000001"
                + "a27773a477732d31a466726f6daa77732d312f616c696365a475736572U9301a374776fc40103"),
        // packb({"k0": 0, …, "k15": 15, "to": "bob"}): 17 entries, then 20
        Fixture(
            name: "a header of 16 entries or more is a map16",
            workspace: "ws-1", clientID: "alice",
            input: "de0011a26b3000a26b3101a26b3202a26b3303a26b3404a26b3505a26b3606a26b3707a26b3808a26b3909a36b31300a"
                + "a36b31310ba36b31320ca36b31330da36b31340ea36b31350fa2746fa3626f62",
            target: "ws-1/bob",
            output: "de0014a26b3000a26b3101a26b3202a26b3303a26b3404a26b3505a26b3606a26b3707a26b3808a26b3909a36b31300a"
                + "a36b31310ba36b31320ca36b31330da36b31340ea36b31350fa2746fa877732d312f626f62a27773a477732d31"
                + "a466726f6daa77732d312f616c696365a475736572U"),
    ]

    @Test("the user is packed as Python packs it")
    func userBytes() {
        #expect(hex(MessagePack.encode(Self.user)) == Self.userHex)
    }

    @Test("emit_message's header rules", arguments: fixtures)
    func rules(_ fixture: Fixture) throws {
        let message = try RPCMessage.parse(bytes(fixture.input))
        let (target, sent) = try message.addressed(
            fromWorkspace: fixture.workspace, clientID: fixture.clientID, user: Self.user)
        #expect(target == fixture.target)
        #expect(hex(sent.encoded()) == fixture.output.replacingOccurrences(of: "U", with: Self.userHex))
        #expect(RPCMessage.event(for: target) == fixture.target + ":msg")
    }

    @Test("a message sent is read back with its header and body")
    func readBack() throws {
        let body: [UInt8] = [0x93, 0x01, 0xa3, 0x74, 0x77, 0x6f, 0xc4, 0x01, 0x03]
        let message = RPCMessage(header: ["type": "method", "to": "bob", "method": "services.echo"], body: body)
        let (_, sent) = try message.addressed(fromWorkspace: "ws-1", clientID: "alice", user: Self.user)
        let received = try RPCMessage.parse(sent.encoded())
        #expect(received == sent)
        #expect(received.to == "ws-1/bob" && received.from == "ws-1/alice" && received.workspace == "ws-1")
        #expect(received.type == "method" && received.method == "services.echo")
        #expect(received["user"] == Self.user)
        #expect(received.body == body)
    }

    struct Refusal: Sendable, CustomTestStringConvertible {
        let input: String
        let kind: RPCMessageError.Kind
        let says: String
        let python: String
        var testDescription: String { python }
    }

    /// What emit_message raises for each (Python's exception in `python`), and what we say.
    static let refusals: [Refusal] = [
        Refusal(input: "", kind: .notAMessage, says: "the message is empty", python: "OutOfData"),
        Refusal(
            input: "81a2746fa3626f", kind: .notAMessage, says: "does not start with a whole msgpack value",
            python: "OutOfData (truncated)"),
        Refusal(
            input: "92a2746fa3626f62", kind: .notAMessage, says: "starts with a msgpack array, not a map",
            python: "AttributeError: 'list' object has no attribute 'get'"),
        Refusal(
            input: "82a2746fa3626f620102", kind: .invalidHeader, says: "a map key of type int",
            python: "ValueError: int is not allowed for map key when strict_map_key=True"),
        Refusal(
            input: "81a16e810102", kind: .invalidHeader, says: "a map key of type int",
            python: "ValueError: the same, in a nested map"),
        Refusal(
            input: "82a2746fa3626f62a174d5ff0000", kind: .invalidHeader, says: "timestamp (ext -1) of 2 bytes",
            python: "ValueError: invalid timestamp data (length 2)"),
        Refusal(
            input: "81a174d7ff" + "ee6b280000000005", kind: .invalidHeader, says: "1000000000 nanoseconds",
            python: "ValueError: nanoseconds must be … not greater than 999999999"),
        Refusal(
            input: "81a474797065a66d6574686f64", kind: .missingTarget, says: "no \"to\"",
            python: "TypeError: argument of type 'NoneType' is not iterable"),
        Refusal(
            input: "81a2746f07", kind: .invalidTarget, says: "\"to\" is of type int, not a string",
            python: "TypeError: argument of type 'int' is not iterable"),
        Refusal(
            input: "81a2746fc403626f62", kind: .invalidTarget, says: "\"to\" is of type bin, not a string",
            python: "TypeError: a bytes-like object is required, not 'str'"),
        Refusal(
            input: "81a2746fa477732d32", kind: .invalidTarget,
            says: "target \"ws-2\" names no workspace and looks like a workspace id",
            python: "(passes: Hypha's /ws- check cannot fire) — refused here"),
    ]

    @Test("what is not a message, or cannot be sent where it says, is refused with the reason", arguments: refusals)
    func refused(_ refusal: Refusal) {
        let error = #expect(throws: RPCMessageError.self) {
            let message = try RPCMessage.parse(bytes(refusal.input))
            _ = try message.addressed(fromWorkspace: "ws-1", clientID: "alice", user: Self.user)
        }
        #expect(error?.kind == refusal.kind)
        #expect(error?.description.contains(refusal.says) == true, "\(error.map(String.init(describing:)) ?? "-")")
    }

    @Test("a message is carried by b: events whose name ends in :msg")
    func carried() {
        let bytes = bytes("81a2746fa3626f62c0")
        #expect(RPCMessage.carried(byEvent: "ws-1/bob:msg", bytes)?.body == [0xc0])
        #expect(RPCMessage.carried(byEvent: "ws-1/bob:msgs", bytes) == nil)
        #expect(RPCMessage.carried(byEvent: "ws-1/bob:msg", [0x92, 0x01, 0x02]) == nil)
    }

    @Test("setting a header value keeps the key's place; removing drops it")
    func headerEdits() {
        var message = RPCMessage(header: ["a": 1, "to": "x", "b": 2])
        message["to"] = "y"
        message["c"] = 3
        message["a"] = nil
        #expect(message.header == ["to": "y", "b": 2, "c": 3])
    }
}
