// SPDX-License-Identifier: Apache-2.0
import CoreMetrics
import Foundation
import HyphaWire
import Logging
import RDKafka
import Synchronization

/// Hypha's event bus on Kafka, as a Python Hypha server runs it, so that a Swift
/// process can join a Hypha deployment.
///
/// On the wire it is the Python server's: offsets committed to group
/// `hypha_server_<id>` (every server sees every event), starting at the log end
/// where it never committed (Python's `auto.offset.reset=latest`), one topic per
/// event read as handlers are added, a health check every 5 s to
/// `health_check_<id>`, a circuit breaker after 3 consecutive Kafka failures with
/// reconnection backoff from 1 s to 30 s.
///
/// Unlike the Python server it never joins its group: it assigns itself its
/// topics' partitions, so that a new event's handler (one per client that
/// connects, often added from inside a handler) is reading within a round trip
/// or two, without a rebalance that would stop every other partition. The
/// group then shows no members (`Empty`); its committed offsets, and so its lag,
/// are as a Python server's. Nothing fences two processes started with one id:
/// both read every event and commit to the one group.
///
/// Beyond it:
/// - events of one partition reach handlers in order, one event at a time;
///   partitions are handled independently, so a slow handler holds up only its own
///   partition, and at most for `handlerTimeout` per event (the bus then moves on
///   and counts `handler_timeout`); a partition with more than `partitionBacklog`
///   events waiting is paused until its handlers catch up;
/// - at-least-once: an event's offset is stored for commit only after every
///   handler has returned, thrown or run past the handler timeout (a handler's
///   failure is counted, not retried: one poison event must not stop its
///   partition), and an `events()` loop has asked for the next one. After a
///   crash, a stop or a dropped bus an event may come again, never not at all;
///   within one assignment of a partition (`BusEvent.generation`) never twice
///   and never out of order. Adding or removing a handler touches only its own
///   event's partitions;
/// - no call hangs: `emit` is bounded by the delivery timeout, `waitFor` by its
///   timeout (and ends at once when its task is cancelled or the bus stops),
///   `on` by the Kafka timeout (and ends at once when its task is cancelled),
///   `stop` by the handler, delivery and Kafka timeouts.
///
/// `on` handlers get events from Kafka, sent by any server, this one included;
/// `onLocal` handlers get events emitted in this process. `emit` does both:
/// local handlers at once, then Kafka, returning after the broker's acknowledgement.
public final class KafkaEventBus: Sendable {
    /// The configuration it was made with.
    public let configuration: EventBusConfiguration
    private let logger: Logger
    private let metrics: BusMetrics
    private let state: Mutex<BusState>
    private let healthTopic: String
    private let lifecycle = SerialGate()

    private typealias Registry = HandlerRegistry<CheckedContinuation<Void, Never>>

    private struct BusState {
        /// Where the bus is in its life; the `run()` calls waiting for a fatal error.
        var lifecycle: BusLifecycle<Connection, CheckedContinuation<KafkaFailure?, Never>>
        var registry = Registry()
        var breaker: CircuitBreaker
        var transitions = CircuitTransitions(opened: 0, closed: 0)
        /// The `events()` loops now iterating, ended by `stop()` or a fatal error.
        var streams: [HandlerID: @Sendable (KafkaFailure?) -> Void] = [:]
    }

    /// What a running bus holds.
    private struct Connection: Sendable {
        let loop: ConsumerLoop
        let tracker: DeliveryTracker
        /// The librdkafka handles, lent to the loop and the tracker; taken back
        /// and destroyed by `tearDown`, off the cooperative pool.
        let consumer: LentHandle<RDKafkaAssignedConsumer>
        let producer: LentHandle<RDKafkaProducer>
        let handles: Handles
    }

    /// A bus; nothing connects before `start()`.
    public init(configuration: EventBusConfiguration, metricsFactory: (any MetricsFactory)? = nil) {
        self.configuration = configuration
        logger = configuration.kafka.logger
        metrics = BusMetrics(factory: metricsFactory ?? MetricsSystem.factory)
        healthTopic = HyphaTopic.healthCheck(serverID: configuration.serverID)
        state = Mutex(
            BusState(
                lifecycle: BusLifecycle(serverID: configuration.serverID),
                breaker: CircuitBreaker(
                    threshold: configuration.failureThreshold, first: configuration.backoff.first,
                    longest: configuration.backoff.longest)))
    }

    /// A bus dropped while running leaves as `stop()` would, on a task of its own:
    /// nothing it started keeps a reference to it, so no thread of it runs on.
    deinit {
        guard
            let (connection, waiters) = state.withLock({ state in
                state.lifecycle.dropped().map { ($0, state.registry.takeAllWaiters()) }
            })
        else { return }
        logger.warning("event bus \(configuration.serverID): dropped without stop(); leaving the group")
        Task.detached { await Self.tearDown(connection, waiters: waiters) }
    }

    /// This server's id.
    public var serverID: String { configuration.serverID }

    /// Whether the bus is started (and not stopped since).
    public var isRunning: Bool { state.withLock { $0.lifecycle.isRunning } }

    /// Whether the circuit breaker is open now.
    public var isCircuitOpen: Bool { state.withLock { $0.breaker.isOpen } }

    /// How often the breaker has opened and closed since `start()`.
    public var circuitTransitions: CircuitTransitions { state.withLock { $0.transitions } }

    /// The fatal error that ended this run of the bus, if one did: the bus then
    /// handles nothing more until it is stopped and started again.
    public var fatalFailure: KafkaFailure? { state.withLock { $0.lifecycle.fatal } }

    // MARK: - Lifecycle

    /// Connects: producer, a consumer that commits in group `hypha_server_<id>`
    /// without joining it (it assigns itself the partitions of the health topic
    /// and of every event with a handler), health checks. A bus that
    /// was stopped may be started again, with the handlers it still has; starting
    /// one that is running throws `.wrongState`.
    public func start() async throws(KafkaFailure) {
        try await lifecycle.serialize { () throws(KafkaFailure) in try await connect() }
    }

    private func connect() async throws(KafkaFailure) {
        if case .fail(let failure) = state.withLock({ $0.lifecycle.start() }) { throw failure }
        do throws(KafkaFailure) {
            try await openConnection()
        } catch {
            state.withLock { $0.lifecycle.startFailed() }
            throw error
        }
    }

    /// Makes the connection of a bus that is starting; undoes what it made when it throws.
    private func openConnection() async throws(KafkaFailure) {
        guard HyphaTopic.isLegal(healthTopic) else {
            throw KafkaFailure(
                .invalidInput,
                "server id \(serverID.debugDescription) makes the health topic a name Kafka refuses (at most 249 characters of a-z, A-Z, 0-9, '.', '_', '-')"
            )
        }
        var settings = configuration.kafka
        settings.timeout = configuration.deliveryTimeout
        let handles = Handles()
        do throws(KafkaFailure) {
            let producer = LentHandle(try RDKafkaProducer(settings: settings))
            handles.keep(producer)
            let consumer = LentHandle(
                try RDKafkaAssignedConsumer(settings: configuration.kafka, groupID: HyphaGroup.forServer(serverID)))
            handles.keep(consumer)
            let (healthTopic, timeout) = (healthTopic, configuration.kafka.timeout)
            try await Blocking.run { () throws(KafkaFailure) in
                try producer.borrow { producer in
                    Result { () throws(KafkaFailure) in try producer.client.ensureTopic(healthTopic, timeout: timeout) }
                }?.get()
            }
            let loop = ConsumerLoop(
                consumer: consumer, lookups: producer,
                context: .init(
                    serverID: serverID, healthTopic: healthTopic, backlog: configuration.partitionBacklog,
                    settleBound: configuration.handlerTimeout + .seconds(1), logger: logger, metrics: metrics,
                    dispatch: { [weak self] event, owned in
                        guard let self else { return .busGone }
                        return await dispatch(event, side: .kafka, owned: owned)
                    },
                    fatal: { [weak self] failure in self?.failFatally(failure) }))
            let tracker = DeliveryTracker.start(producer: producer)
            let connection = Connection(
                loop: loop, tracker: tracker, consumer: consumer, producer: producer, handles: handles)
            // Nothing below can fail: once running, `stop()` undoes all of it.
            loop.start()
            let (wanted, requests) = state.withLock { state in
                state.lifecycle.connected(connection)
                state.breaker = CircuitBreaker(
                    threshold: configuration.failureThreshold, first: configuration.backoff.first,
                    longest: configuration.backoff.longest)
                state.transitions = CircuitTransitions(opened: 0, closed: 0)
                let wanted = wantedTopics(state.registry)
                return (wanted, loop.want(wanted))
            }
            loop.perform(requests)
            metrics.circuit(open: false)
            handles.keepTask(Task { [weak self] in await Self.healthLoop(of: WeakBus(self), tracker) })
            // Handlers added before `start()` read from here on; a topic that cannot
            // be looked up yet is looked up again meanwhile.
            for topic in wanted.sorted() {
                do {
                    try await loop.awaitAssigned(topic, timeout: configuration.kafka.timeout)
                } catch {
                    logger.warning("event bus \(serverID): \(topic) is not read yet: \(error)")
                }
            }
        } catch {
            await Blocking.release(handles)
            throw error
        }
    }

    /// Leaves the bus: the handler each partition has in hand finishes (bounded
    /// by the handler timeout; no later handler of that event starts, and what
    /// was queued behind it is read again by the next run), the handled offsets
    /// are committed, every emitted event gets its acknowledgement or its
    /// failure, and librdkafka's handles are destroyed. Waiting `waitFor` calls
    /// end with `CancellationError`, `events()` sequences end. Handlers stay registered.
    public func stop() async {
        await lifecycle.serialize { await disconnect() }
    }

    private func disconnect() async {
        endStreams(with: nil)
        guard
            let (connection, waiters) = state.withLock({ state -> (Connection, [EventWaiter])? in
                guard case .tearDown(let connection) = state.lifecycle.stop() else { return nil }
                return (connection, state.registry.takeAllWaiters())
            })
        else { return }
        await Self.tearDown(connection, waiters: waiters)
        state.withLock { $0.lifecycle.stopFinished() }
    }

    /// Ends every `events()` loop: with `failure`, or as the end of the sequence.
    private func endStreams(with failure: KafkaFailure?) {
        let ends = state.withLock { state in
            defer { state.streams.removeAll() }
            return Array(state.streams.values)
        }
        for end in ends { end(failure) }
    }

    /// The consumer met a fatal error: nothing more is read, every `events()`
    /// loop ends with the failure, and `run()` throws it.
    private func failFatally(_ failure: KafkaFailure) {
        let waiters = state.withLock { $0.lifecycle.failedFatally(failure) } ?? []
        endStreams(with: failure)
        for waiter in waiters { waiter.resume(returning: failure) }
    }

    /// Waits for a fatal error of this run (nil: the wait was cancelled).
    func awaitFatal() async -> KafkaFailure? {
        let key = state.withLock { $0.lifecycle.makeFatalWaitKey() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<KafkaFailure?, Never>) in
                let action = state.withLock {
                    $0.lifecycle.awaitFatal(key, continuation, cancelled: Task.isCancelled)
                }
                if case .resume(let fatal) = action { continuation.resume(returning: fatal) }
            }
        } onCancel: {
            state.withLock { $0.lifecycle.cancelFatalWait(key) }?.resume(returning: nil)
        }
    }

    /// Ends what `connect()` started. librdkafka's handles are destroyed off the
    /// cooperative pool and outside any lock: `handles` holds the last references.
    private static func tearDown(_ connection: Connection, waiters: [EventWaiter]) async {
        for waiter in waiters { waiter.settle(.failure(CancellationError())) }
        connection.handles.cancelTasks()
        await connection.loop.stop()
        await connection.handles.awaitTasks()
        await connection.tracker.close()
        await Blocking.release(connection.handles)
    }

    /// Makes the running bus's consumer meet a fatal error (tests only).
    package func raiseConsumerFatalErrorForTesting(_ reason: String) {
        _ = state.withLock { $0.lifecycle.connection?.consumer }?.borrow { $0.client.raiseFatalErrorForTesting(reason) }
    }

    // MARK: - Handlers

    /// Runs `handler` for every Kafka event named `event`; returns once the bus
    /// reads the event's topic from a fixed position, so that any event sent after
    /// that reaches it (before `start()`, it only registers). Other events'
    /// partitions are neither stopped nor waited for, so it may be called from
    /// inside a handler. Throws a `KafkaFailure` (`.unreachable` when where to
    /// start reading was not known, or could not be committed, within the Kafka
    /// timeout) or `CancellationError`, and then removes the handler.
    @discardableResult
    public func on(_ event: String, _ handler: @escaping EventHandler) async throws -> HandlerID {
        try await addKafkaHandler(event, once: false, bounded: true, handler)
    }

    /// Like `on`, for the next event only.
    @discardableResult
    public func once(_ event: String, _ handler: @escaping EventHandler) async throws -> HandlerID {
        try await addKafkaHandler(event, once: true, bounded: true, handler)
    }

    /// Removes one Kafka handler, or all of the event's when `id` is nil; the
    /// event's topic is unsubscribed when nothing listens to it any more. Returns
    /// once no call of a removed handler is running (a call past the handler
    /// timeout no longer counts; nor does the call this is made from): after
    /// that, none starts.
    public func off(_ event: String, _ id: HandlerID? = nil) async {
        await remove(.kafka, event, id)
    }

    /// Runs `handler` for every local event named `event`.
    @discardableResult
    public func onLocal(_ event: String, _ handler: @escaping EventHandler) -> HandlerID {
        register(.local, event, once: false, handler)
    }

    /// Like `onLocal`, for the next local event only.
    @discardableResult
    public func onceLocal(_ event: String, _ handler: @escaping EventHandler) -> HandlerID {
        register(.local, event, once: true, handler)
    }

    /// How many Kafka handlers `event` has now.
    public func handlerCount(_ event: String) -> Int {
        state.withLock { $0.registry.entries(.kafka, event).count }
    }

    /// Removes one local handler, or all of the event's when `id` is nil; returns
    /// as `off` does.
    public func offLocal(_ event: String, _ id: HandlerID? = nil) async {
        await remove(.local, event, id)
    }

    private func register(
        _ side: HandlerSide, _ event: String, once: Bool, bounded: Bool = true,
        _ handler: @escaping EventHandler
    ) -> HandlerID {
        state.withLock { state in
            let id = state.registry.makeID()
            state.registry.add(side, event, once: once, bounded: bounded, id: id, handler)
            return id
        }
    }

    /// Removes a Kafka handler without waiting for its running call (an
    /// `events()` loop that ends: its handler must take no further event).
    func removeNow(_ event: String, _ id: HandlerID) {
        let requests = state.withLock { state in
            _ = state.registry.remove(.kafka, event, id: id)
            state.streams[id] = nil
            return refresh(event, state)
        }
        requests?.perform()
    }

    /// Registers an `events()` loop's handler and how to end the loop.
    func addStream(
        _ event: String, end: @escaping @Sendable (KafkaFailure?) -> Void, handler: @escaping EventHandler
    ) async throws -> HandlerID {
        if let fatal = state.withLock({ $0.lifecycle.fatal }) { throw fatal }
        return try await addKafkaHandler(event, once: false, bounded: false, handler) { id, state in
            state.streams[id] = end
        }
    }

    private func remove(_ side: HandlerSide, _ event: String, _ id: HandlerID?) async {
        let (removed, requests) = state.withLock { state in
            let removed = state.registry.remove(side, event, id: id)
            return (removed, refresh(event, state))
        }
        requests?.perform()
        let current = HandlerCall.current
        for removedID in removed where removedID != current {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let parked = state.withLock { $0.registry.awaitIdle(removedID, continuation) }
                if !parked { continuation.resume() }
            }
        }
    }

    private func addKafkaHandler(
        _ event: String, once: Bool, bounded: Bool, _ handler: @escaping EventHandler,
        registered: (HandlerID, inout BusState) -> Void = { _, _ in }
    ) async throws -> HandlerID {
        let topic = HyphaTopic.forEvent(event)
        let (id, loop, requests) = state.withLock { state -> (HandlerID, ConsumerLoop?, TopicRequests?) in
            let id = state.registry.makeID()
            state.registry.add(.kafka, event, once: once, bounded: bounded, id: id, handler)
            registered(id, &state)
            let requests = refresh(event, state)
            guard case .registerAndAwait(let connection) = state.lifecycle.subscribe() else {
                return (id, nil, requests)
            }
            return (id, connection.loop, requests)
        }
        requests?.perform()
        do {
            try Task.checkCancellation()
            try await loop?.awaitAssigned(topic, timeout: configuration.kafka.timeout)
        } catch {
            let (fatal, requests) = state.withLock { state in
                _ = state.registry.remove(.kafka, event, id: id)
                state.streams[id] = nil
                return (state.lifecycle.fatal, refresh(event, state))
            }
            requests?.perform()
            throw fatal ?? error
        }
        return id
    }

    // MARK: - Emitting

    /// Runs this process's local handlers for the event, and resolves waiters.
    public func emitLocal(_ event: String, _ payload: EventPayload) async {
        _ = await dispatch(BusEvent(name: event, payload: payload, origin: .local), side: .local)
    }

    /// Delivers the event locally, then sends it to Kafka the way a Hypha server
    /// does and returns after the broker's acknowledgement (or the delivery
    /// timeout). While the circuit breaker is open the local delivery still
    /// happens and the Kafka failure is thrown. An event Kafka refuses for
    /// itself (larger than `message.max.bytes`) is the caller's error
    /// (`.invalidInput`) and does not count towards the breaker; on a bus that is
    /// not running, or stops before the event is sent, it throws `.wrongState`.
    public func emit(_ event: String, _ payload: EventPayload) async throws(KafkaFailure) {
        await emitLocal(event, payload)
        let (action, open) = state.withLock { ($0.lifecycle.serve("emit \(event)"), $0.breaker.isOpen) }
        let running: Connection
        switch action {
        case .serve(let connection): running = connection
        case .fail(let failure): throw failure
        }
        if let fatal = running.tracker.fatalError {
            metrics.count(event, .emitFailed)
            throw KafkaFailure(.client, "emit \(event): the producer met a fatal error: \(fatal)")
        }
        if open {
            metrics.count(event, .emitFailed)
            throw KafkaFailure(
                .unreachable,
                "emit \(event): Kafka's circuit breaker is open after \(configuration.failureThreshold) consecutive failures",
                hint: "the event was delivered locally; retry once the bus has reconnected")
        }
        let outcome = await running.tracker.send(
            topic: HyphaTopic.forEvent(event), key: EventKey.encode(type: payload.type, event: event),
            value: payload.encodedValue(), waitAtMost: configuration.deliveryTimeout + .seconds(5))
        switch outcome {
        case .delivered:
            metrics.count(event, .emitted)
            recordKafka(success: true)
        case .refused(let failure):
            metrics.count(event, .emitFailed)
            throw failure.rephrased("emit \(event): \(failure.reason)", hint: "the event was delivered locally")
        case .failed(let reason):
            metrics.count(event, .emitFailed)
            recordKafka(success: false)
            throw KafkaFailure(
                .deliveryFailed, "emit \(event): not delivered: \(reason)", hint: "the event was delivered locally")
        case .closed:
            metrics.count(event, .emitFailed)
            throw KafkaFailure(
                .wrongState, "emit \(event): the event bus \(serverID) stopped before the event was sent")
        }
    }

    /// The next event named `event` that `matches` accepts, from Kafka or from this
    /// process, whichever comes first. While it waits the bus also reads the
    /// event's topic. Throws `KafkaFailure(.notFound)` when nothing matched within
    /// `timeout`, `KafkaFailure(.wrongState)` when the bus is not running,
    /// `CancellationError` when the calling task is cancelled or the bus stops.
    /// `matches` runs outside the bus's lock and may use the bus.
    public func waitFor(
        _ event: String, where matches: @escaping @Sendable (BusEvent) -> Bool = { _ in true }, timeout: Duration
    ) async throws -> BusEvent {
        let waiter = EventWaiter(event: event, matches: matches)
        let added = state.withLock { state -> Result<(UInt64, TopicRequests?), KafkaFailure> in
            if case .fail(let failure) = state.lifecycle.serve("waitFor \(event)") { return .failure(failure) }
            let key = state.registry.addWaiter(waiter)
            return .success((key, refresh(event, state)))
        }
        let (key, requests) = try added.get()
        requests?.perform()
        defer {
            let requests = state.withLock { state in
                state.registry.removeWaiter(key)
                return refresh(event, state)
            }
            requests?.perform()
        }
        // The waiter exists before the timer can settle it.
        let timer = Task {
            try? await Task.sleep(for: timeout)
            waiter.settle(.failure(KafkaFailure(.notFound, "waitFor \(event): no matching event within \(timeout)")))
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await waiter.value()
        } onCancel: {
            waiter.settle(.failure(CancellationError()))
        }
    }

    // MARK: - Dispatch

    /// Hands an event to the waiters it satisfies and to the side's handlers, in
    /// order, while `owned()` says another handler may start (the registry
    /// decides which, step by step; the handlers run outside the lock).
    private func dispatch(
        _ event: BusEvent, side: HandlerSide, owned: @Sendable () -> Bool = { true }
    ) async -> ConsumerLoop.Verdict {
        if case .kafka(_, _, let timestamp?) = event.origin { metrics.recordLatency(sinceMillis: timestamp) }
        for waiter in state.withLock({ $0.registry.waiters(for: event.name) }) where waiter.matches(event) {
            waiter.settle(.success(event))
        }
        var dispatch = state.withLock { $0.registry.startDispatch(event.name, side: side) }
        while true {
            let isOwned = owned()
            let (step, requests) = state.withLock { state -> (Registry.DispatchStep, TopicRequests?) in
                let step = state.registry.nextStep(&dispatch, owned: isOwned)
                guard case .call(_, interestChanged: true) = step else { return (step, nil) }
                return (step, refresh(event.name, state))
            }
            requests?.perform()
            switch step {
            case .skip: continue
            case .done(let verdict): return verdict
            case .call(let entry, _):
                let handled = await runHandler(entry, event)
                let offWaiters = state.withLock { $0.registry.called(&dispatch, entry.id, handled: handled) }
                for waiter in offWaiters { waiter.resume() }
            }
        }
    }

    /// Runs one handler, waiting at most the handler timeout for it (an
    /// `events()` loop's as long as the loop takes); false when the handler did
    /// not have the event (its loop ended first).
    private func runHandler(_ entry: HandlerEntry, _ event: BusEvent) async -> Bool {
        let outcome = await HandlerCall.run(
            entry, event, timeout: entry.bounded ? configuration.handlerTimeout : nil)
        switch outcome {
        case .abandoned: return false
        case .finished: break
        case .failed(let error):
            metrics.count(event.name, .handlerFailed)
            logger.warning("event bus \(serverID): a handler of \(event.name) failed: \(error)")
        case .timedOut:
            metrics.count(event.name, .handlerTimeout)
            logger.warning(
                "event bus \(serverID): a handler of \(event.name) ran past \(configuration.handlerTimeout); moving on")
        }
        return true
    }

    // MARK: - Kafka side

    /// The topics the registry wants read, with the health topic.
    private func wantedTopics(_ registry: Registry) -> Set<String> {
        Set(registry.kafkaInterest.map(HyphaTopic.forEvent)).union([healthTopic])
    }

    /// Decides with the consumer whether the registry still wants `event`'s
    /// topic. Called under the lock right after each change, so that the latest
    /// change always wins (it costs the same with one event or thousands); what
    /// it returns is performed once the lock is released, for it may answer
    /// `on` calls, start lookups and wake the consumer.
    private func refresh(_ event: String, _ state: borrowing BusState) -> TopicRequests? {
        guard let loop = state.lifecycle.connection?.loop else { return nil }
        return TopicRequests(
            loop: loop, requests: loop.set(HyphaTopic.forEvent(event), wanted: state.registry.isWanted(event)))
    }

    /// What the consumer is to do about one change of what the bus reads.
    private struct TopicRequests: Sendable {
        let loop: ConsumerLoop
        let requests: ConsumerLoop.Requests

        func perform() { loop.perform(requests) }
    }

    // MARK: - Health and the circuit breaker

    /// Health checks until cancelled or the bus is gone; holds the bus only while
    /// one check runs.
    private static func healthLoop(of weakBus: WeakBus, _ tracker: DeliveryTracker) async {
        while !Task.isCancelled {
            guard let delay = weakBus.bus?.nextHealthCheckDelay else { return }
            try? await Task.sleep(for: delay)
            guard !Task.isCancelled, let bus = weakBus.bus else { return }
            guard await bus.healthCheck(tracker) else { return }
        }
    }

    private struct WeakBus: Sendable {
        weak var bus: KafkaEventBus?
        init(_ bus: KafkaEventBus?) { self.bus = bus }
    }

    private var nextHealthCheckDelay: Duration {
        let (open, backoff) = state.withLock { ($0.breaker.isOpen, $0.breaker.backoff) }
        return open ? backoff : configuration.healthCheckInterval
    }

    /// One health check; false once the tracker is closed.
    private func healthCheck(_ tracker: DeliveryTracker) async -> Bool {
        let value = String(format: "%.3f", Date().timeIntervalSince1970)
        let outcome = await tracker.send(
            topic: healthTopic, key: Array(healthTopic.utf8), value: Array(value.utf8),
            waitAtMost: min(configuration.healthCheckInterval, .seconds(5)))
        switch outcome {
        case .delivered: recordKafka(success: true)
        case .failed(let reason):
            logger.debug("event bus \(serverID): health check failed: \(reason)")
            recordKafka(success: false)
        case .refused(let failure):
            logger.debug("event bus \(serverID): health check failed: \(failure)")
            recordKafka(success: false)
        case .closed: return false
        }
        return true
    }

    private func recordKafka(success: Bool) {
        let transition = state.withLock { state -> CircuitBreaker.Transition? in
            let transition = success ? state.breaker.recordSuccess() : state.breaker.recordFailure()
            if transition == .opened { state.transitions.opened += 1 }
            if transition == .closed { state.transitions.closed += 1 }
            return transition
        }
        switch transition {
        case .opened?:
            metrics.circuit(open: true)
            metrics.count(healthTopic, .circuitOpened)
            logger.warning(
                "event bus \(serverID): circuit breaker open after \(configuration.failureThreshold) consecutive Kafka failures; reconnecting"
            )
        case .closed?:
            metrics.circuit(open: false)
            metrics.count(healthTopic, .circuitClosed)
            logger.info("event bus \(serverID): Kafka reachable again; circuit breaker closed")
        case nil:
            break
        }
    }
}

/// How often a bus's circuit breaker opened and closed since `start()`.
public struct CircuitTransitions: Sendable, Equatable {
    /// Times it opened.
    public var opened: Int
    /// Times it closed again.
    public var closed: Int
}
