// SPDX-License-Identifier: Apache-2.0
import CoreMetrics
import HyphaWire
import Logging
import Synchronization

/// A handler of incoming RPC messages: runs once per message; messages of one
/// partition reach it in order.
public typealias RPCMessageHandler = @Sendable (RPCMessage) async throws -> Void

/// One client of Hypha's RPC on a ``KafkaEventBus``: what Hypha's
/// `RedisRPCConnection` is to a Python server, on Kafka.
///
/// A connection is a client id in a workspace. It receives the messages for
/// `<workspace>/<client id>` and those broadcast to `<workspace>/*` (events
/// `<workspace>/<client id>:msg` and `<workspace>/*:msg`), and sends a message by
/// emitting `<target>:msg`, after setting in its header who sent it and for whom
/// (`RPCMessage.addressed(fromWorkspace:clientID:user:)`):
///
/// ```swift
/// let alice = try RPCConnection(bus: bus, workspace: "ws-1", clientID: "alice", userInfo: ["id": "alice"])
/// try await alice.onMessage { message in print(message.from ?? "?", message.body.count) }
/// try await alice.emitMessage(RPCMessage(header: ["type": "method", "to": "bob", "method": "ping"]))
/// // sent as event ws-1/bob:msg, its header {"type", "to": "ws-1/bob", "method", "ws": "ws-1",
/// // "from": "ws-1/alice", "user": {"id": "alice"}}
/// ```
///
/// Messages arrive through a handler (``onMessage(_:)``) or as an asynchronous
/// sequence (``messages()``). Each sent message counts in `kafka_rpc_call` and
/// `kafka_client_requests_total` (see the DocC article "RPC connections").
public final class RPCConnection: Sendable {
    /// The workspace; `*` for a workspace manager's connection.
    public let workspace: String
    /// The client id, unique in its workspace.
    public let clientID: String
    /// What every sent message carries as `user` (a map).
    public let userInfo: MessagePackValue
    /// The id of the workspace manager (the server) that made the connection, if any.
    public let managerID: String?

    private let bus: KafkaEventBus
    private let metrics: RPCMetrics
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var closed = false
        var connected: (@Sendable (RPCConnection) async -> Void)?
        var disconnected: (@Sendable (_ reason: String?) async -> Void)?
        var nextToken: UInt64 = 0
        var subscriptions: [UInt64: Subscription] = [:]
    }

    /// The bus handlers of one `onMessage` or one iteration of `messages()`.
    private struct Subscription {
        let handlers: [(event: String, id: HandlerID)]
        /// Ends a `messages()` iteration.
        let finish: (@Sendable () -> Void)?
    }

    /// A connection on `bus`; nothing is subscribed before ``onMessage(_:)`` or ``messages()``.
    ///
    /// Throws `.invalidInput` for an empty workspace, a client id with a `/`, or
    /// user info that is not a map. `metricsFactory` nil: `MetricsSystem.factory`.
    public init(
        bus: KafkaEventBus, workspace: String, clientID: String, userInfo: MessagePackValue = [:],
        managerID: String? = nil, metricsFactory: (any MetricsFactory)? = nil
    ) throws(KafkaFailure) {
        guard !workspace.isEmpty else {
            throw KafkaFailure(.invalidInput, "an RPC connection needs a workspace (given: empty)")
        }
        guard !clientID.contains("/") else {
            throw KafkaFailure(
                .invalidInput, "client id \(clientID.debugDescription) has a '/': a client id names one client")
        }
        guard case .map = userInfo else {
            throw KafkaFailure(.invalidInput, "user info must be a msgpack map, not a \(userInfo.kindName)")
        }
        self.bus = bus
        self.workspace = workspace
        self.clientID = clientID
        self.userInfo = userInfo
        self.managerID = managerID
        metrics = RPCMetrics(factory: metricsFactory ?? MetricsSystem.factory)
        logger = bus.configuration.kafka.logger
    }

    /// `<workspace>/<client id>`: what other clients put in `to` to reach this one.
    public var address: String { workspace + "/" + clientID }

    /// The event of the messages for this client: `<workspace>/<client id>:msg`.
    public var clientEvent: String { RPCMessage.event(for: address) }

    /// The event of the messages for everyone in the workspace: `<workspace>/*:msg`.
    public var broadcastEvent: String { RPCMessage.event(for: workspace + "/*") }

    /// Whether ``disconnect(reason:)`` was called.
    public var isClosed: Bool { state.withLock { $0.closed } }

    // MARK: - Handlers

    /// Runs `handler` each time receiving starts (after ``onMessage(_:)`` or the
    /// first step of ``messages()`` has subscribed), with this connection.
    public func onConnected(_ handler: @escaping @Sendable (RPCConnection) async -> Void) {
        state.withLock { $0.connected = handler }
    }

    /// Runs `handler` once, when the connection is disconnected, with the reason given.
    public func onDisconnected(_ handler: @escaping @Sendable (_ reason: String?) async -> Void) {
        state.withLock { $0.disconnected = handler }
    }

    /// Runs `handler` for every message to this client and every broadcast to its
    /// workspace, then runs the connected handler. Returns once the bus reads both
    /// events' topics (see ``KafkaEventBus/on(_:_:)``): a message sent after that
    /// reaches the handler.
    ///
    /// A received value that is not an RPC message (not `b:`, or not a msgpack map
    /// followed by the body) is not handed over; the bus counts it as a failed
    /// handler call and logs why. Throws a `KafkaFailure` (`.wrongState` on a
    /// closed connection, else what ``KafkaEventBus/on(_:_:)`` throws) or
    /// `CancellationError`.
    public func onMessage(_ handler: @escaping RPCMessageHandler) async throws {
        _ = try await subscribe(handler, finish: nil)
    }

    /// The messages to this client and the broadcasts to its workspace, as an
    /// asynchronous sequence:
    ///
    /// ```swift
    /// for try await message in connection.messages() { … }
    /// ```
    ///
    /// The first step subscribes, as ``onMessage(_:)`` does, and throws what it
    /// throws; leaving the loop unsubscribes; the sequence ends when the
    /// connection is disconnected. Each message is handed over to the loop, so a
    /// slow loop holds up its partition as a slow handler would.
    public func messages() -> RPCMessageStream {
        RPCMessageStream(connection: self)
    }

    // MARK: - Sending

    /// Sends `bytes`, an RPC message (a msgpack map, the header, then the body),
    /// as Hypha's `emit_message` does: `to` is resolved
    /// (`RPCMessage.target(_:fromWorkspace:)`), `ws`, `to`, `from` and `user` are
    /// set in the header, and the message goes out as event `<target>:msg` with
    /// the body unchanged. Returns after the broker's acknowledgement.
    ///
    /// Throws `.wrongState` when the connection is closed, `.invalidInput` when the
    /// bytes are not a message that can be sent (the reason says what is wrong with
    /// the header or its target), else the bus's failure to emit.
    public func emitMessage(_ bytes: [UInt8]) async throws(KafkaFailure) {
        try checkOpen()
        let message: RPCMessage
        do {
            message = try RPCMessage.parse(bytes)
        } catch {
            throw KafkaFailure(.invalidInput, "emit_message from \(address): \(error)")
        }
        try await send(message)
    }

    /// Sends `message` as ``emitMessage(_:)-([UInt8])`` sends its bytes.
    public func emitMessage(_ message: RPCMessage) async throws(KafkaFailure) {
        try checkOpen()
        try await send(message)
    }

    private func send(_ message: RPCMessage) async throws(KafkaFailure) {
        let target: String
        let sent: RPCMessage
        do {
            (target, sent) = try message.addressed(fromWorkspace: workspace, clientID: clientID, user: userInfo)
        } catch {
            throw KafkaFailure(.invalidInput, "emit_message from \(address): \(error)")
        }
        try await bus.emit(RPCMessage.event(for: target), .bytes(sent.encoded()))
        metrics.recordRequest(workspace: workspace, clientID: clientID)
    }

    private func checkOpen() throws(KafkaFailure) {
        if isClosed { throw closedFailure() }
    }

    private func closedFailure() -> KafkaFailure {
        KafkaFailure(.wrongState, "the RPC connection \(address) has already been closed")
    }

    // MARK: - Disconnecting

    /// Stops receiving (handlers removed, ``messages()`` sequences ended), then
    /// runs the disconnected handler with `reason`. Only the first call does
    /// anything; after it, sending fails.
    public func disconnect(reason: String? = nil) async {
        let taken = state.withLock { state -> ([Subscription], (@Sendable (String?) async -> Void)?)? in
            guard !state.closed else { return nil }
            state.closed = true
            defer { state.subscriptions = [:] }
            return (Array(state.subscriptions.values), state.disconnected)
        }
        guard let (subscriptions, disconnected) = taken else { return }
        for subscription in subscriptions {
            subscription.finish?()
            await remove(subscription.handlers)
        }
        logger.debug("RPC connection \(address) disconnected")
        metrics.recordGone(workspace: workspace, clientID: clientID)
        await disconnected?(reason)
    }

    // MARK: - Subscriptions

    /// Adds `deliver` as a handler of both events (both at once: each waits for
    /// where to start reading its topic), then runs the connected handler. Returns
    /// a token for ``unsubscribe(_:)``.
    func subscribe(_ deliver: @escaping RPCMessageHandler, finish: (@Sendable () -> Void)?) async throws -> UInt64 {
        try checkOpen()
        let handler: EventHandler = { [address] event in
            guard case .bytes(let bytes)? = event.payload else {
                throw KafkaFailure(
                    .invalidInput, "RPC connection \(address): \(event.name) carried no b: value; not a message")
            }
            try await deliver(try RPCMessage.parse(bytes))
        }
        let bus = bus
        let events = [clientEvent, broadcastEvent]
        let outcomes = await withTaskGroup(of: Result<(event: String, id: HandlerID), any Error>.self) { group in
            for event in events {
                group.addTask {
                    do {
                        return .success((event, try await bus.on(event, handler)))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let handlers = outcomes.compactMap { try? $0.get() }
        if handlers.count < events.count {
            await remove(handlers)
            for case .failure(let failure) in outcomes { throw failure }
        }
        let token = state.withLock { state -> UInt64? in
            guard !state.closed else { return nil }
            state.nextToken += 1
            state.subscriptions[state.nextToken] = Subscription(handlers: handlers, finish: finish)
            return state.nextToken
        }
        guard let token else {
            await remove(handlers)
            throw closedFailure()
        }
        if let connected = state.withLock({ $0.connected }) { await connected(self) }
        return token
    }

    /// Removes the handlers `subscribe` added for `token`.
    func unsubscribe(_ token: UInt64) async {
        guard let subscription = state.withLock({ $0.subscriptions.removeValue(forKey: token) }) else { return }
        await remove(subscription.handlers)
    }

    private func remove(_ handlers: [(event: String, id: HandlerID)]) async {
        for (event, id) in handlers { await bus.off(event, id) }
    }
}
