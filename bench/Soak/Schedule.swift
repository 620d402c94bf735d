// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import RDKafkaMock

/// What the soak does and when, all decided up front from the seed: the same seed
/// gives the same plan (`--print-schedule` shows it); only the timing of the run varies.
struct Plan: Sendable {
    let seed: UInt64
    let seconds: Int
    let buses: Int
    /// No faults and no restarts: a check of the soak itself (nothing may be lost).
    let calm: Bool
    /// Event names with their partition counts.
    let events: [(name: String, partitions: Int)]
    /// Per server: the persistent handlers it registers before the clock starts.
    let initial: [[(event: String, profile: HandlerProfile)]]
    /// Per server: how its first bus runs.
    let firstMode: [RunMode]
    let lanes: [Lane]

    static let eventCount = 8
    static let faultLanes = 2

    static func serverID(_ index: Int) -> String { "soak-\(index)" }
}

/// One task of the run: its steps, in order, each at its time (seconds after the
/// clock started) or as soon as the previous step is done, whichever is later.
struct Lane: Sendable {
    let name: String
    let steps: [Step]
}

struct Step: Sendable {
    let at: Double
    let action: Action
}

enum Action: Sendable {
    /// `count` concurrent emits through server `server`'s bus, payloads `.text("<id>.<i>")`.
    case emit(server: Int, event: String, id: String, count: Int)
    /// A persistent `on`, kept (and registered again by every restart) to the end.
    case subscribe(server: Int, event: String, profile: HandlerProfile)
    /// `on`, `hold` seconds, `off`.
    case transient(server: Int, event: String, hold: Double, profile: HandlerProfile)
    /// `once`, `hold` seconds, `off` (whether it ran or not).
    case once(server: Int, event: String, hold: Double, profile: HandlerProfile)
    case waitFor(server: Int, event: String, timeout: Double)
    /// The server's bus ended `how`, `down` seconds without one (with `.overlap`: both
    /// running), a new bus with the same server id and the persistent handlers, run as `next`.
    case restart(server: Int, down: Double, how: Ending, next: RunMode)
    /// One `events(event)` loop on the server's bus: it takes events for `hold`
    /// seconds, then leaves as `end` says (or earlier, when the bus stops).
    case stream(server: Int, event: String, hold: Double, end: StreamEnd)
    /// A client connects: from now to the end, the server keeps an `events(name)` loop
    /// on its client's messages (a new event, its topic not made yet), again after each end.
    case client(server: Int, name: String)
    case fault(Fault)
}

/// How a bus runs: `start()`/`stop()`, or as a `Service` in a `ServiceGroup`.
enum RunMode: String, Sendable, CaseIterable {
    case started, service
}

/// How a server's bus ends at a restart.
enum Ending: String, Sendable, CaseIterable {
    /// `stop()`, or a graceful shutdown of its `ServiceGroup`.
    case graceful
    /// Its `ServiceGroup`'s task cancelled (a started bus: `stop()`).
    case cancel
    /// Dropped without `stop()` (its loops' tasks cancelled, as in a crashed process);
    /// a service's bus is cancelled instead, for its group holds it.
    case crash
    /// The new bus starts first; the old one ends gracefully after `down` seconds (two live buses).
    case overlap
}

/// How an `events()` loop is left.
enum StreamEnd: String, Sendable, CaseIterable {
    /// `break` right after taking an event (which stays unfinished).
    case breaks
    /// The loop's body throws, right after taking an event.
    case throwsError = "throws"
    /// Its task is cancelled.
    case cancelled
}

enum Fault: Sendable {
    case brokerDown(broker: Int32, seconds: Double)
    case allDown(seconds: Double)
    case requestErrors(MockKafkaCluster.Request, [Int32])
    case moveCoordinator(server: Int, broker: Int32)
    case moveLeader(event: String, partition: Int32, broker: Int32)
    /// The next Produce answers carry errors no retry cures: those emits must fail.
    case refuseProduce([Int32])
    case slowBroker(milliseconds: Int, broker: Int32?, seconds: Double)
}

/// How a handler behaves. What one call does is decided from the seed, the handler
/// and the payload, so a redelivered event meets the same behaviour.
enum HandlerProfile: String, Sendable, CaseIterable {
    case quick, slow, flaky, overrunning, subscribing

    enum Act: Sendable {
        case returns
        case sleeps(milliseconds: Int)
        case fails
        case sleepsThenFails(milliseconds: Int)
        /// From inside the handler: `on(event)` (then `off` after `hold` s, on a task of its
        /// own), and `waitFor(waitFor)` with `timeout`; what the plan's event indexes name.
        case subscribes(event: Int, hold: Double, waitFor: Int, timeout: Double)
    }

    /// Longer than the soak's `max.poll.interval.ms` (6 s).
    static let pastPollInterval = 6500...7500

    func act(seed: UInt64, handler: String, payload: String) -> Act {
        var random = SeededRandom(seed: seed, stream: "call/\(handler)/\(payload)")
        let roll = random.unit()
        let overrun = Int(SoakSettings.handlerTimeout.seconds * 1000) + random.int(200...1500)
        switch self {
        case .quick:
            return .returns
        case .slow:
            return roll < 0.3 ? .sleeps(milliseconds: random.int(20...300)) : .returns
        case .flaky:
            if roll < 0.15 { return .fails }
            return roll < 0.3 ? .sleeps(milliseconds: random.int(20...200)) : .returns
        case .overrunning:
            if roll < 0.005 { return .sleeps(milliseconds: random.int(Self.pastPollInterval)) }
            if roll < 0.04 { return .sleeps(milliseconds: overrun) }
            if roll < 0.06 { return .sleepsThenFails(milliseconds: overrun) }
            if roll < 0.10 { return .fails }
            return roll < 0.3 ? .sleeps(milliseconds: random.int(20...200)) : .returns
        case .subscribing:
            guard roll < 0.25 else { return .returns }
            return .subscribes(
                event: random.below(Plan.eventCount), hold: random.seconds(0.2...2),
                waitFor: random.below(Plan.eventCount), timeout: random.seconds(0.3...1.5))
        }
    }
}

extension Action {
    /// One line of `--print-schedule`.
    var summary: String {
        switch self {
        case .emit(let server, let event, let id, let count):
            "emit \(event) ×\(count) via \(Plan.serverID(server)) (\(id).*)"
        case .subscribe(let server, let event, let profile):
            "on \(event) persistent (\(profile)) at \(Plan.serverID(server))"
        case .transient(let server, let event, let hold, let profile):
            "on \(event) (\(profile)) at \(Plan.serverID(server)), off after \(hold) s"
        case .once(let server, let event, let hold, let profile):
            "once \(event) (\(profile)) at \(Plan.serverID(server)), off after \(hold) s"
        case .waitFor(let server, let event, let timeout):
            "waitFor \(event) at \(Plan.serverID(server)), timeout \(timeout) s"
        case .restart(let server, let down, let how, let next):
            "restart \(Plan.serverID(server)) (\(how)), \(how == .overlap ? "both up" : "down") \(down) s, then \(next)"
        case .stream(let server, let event, let hold, let end):
            "events(\(event)) at \(Plan.serverID(server)) for \(hold) s, then \(end.rawValue)"
        case .client(let server, let name): "client of \(Plan.serverID(server)): events(\(name)) to the end"
        case .fault(.refuseProduce(let codes)): "next produce answers refused with \(codes)"
        case .fault(.brokerDown(let broker, let seconds)): "broker \(broker) down for \(seconds) s"
        case .fault(.allDown(let seconds)): "all brokers down for \(seconds) s"
        case .fault(.requestErrors(let request, let codes)): "next \(request) answers fail with \(codes)"
        case .fault(.moveCoordinator(let server, let broker)):
            "coordinator of \(Plan.serverID(server))'s group to broker \(broker)"
        case .fault(.moveLeader(let event, let partition, let broker)):
            "leader of \(event)[\(partition)] to broker \(broker)"
        case .fault(.slowBroker(let milliseconds, let broker, let seconds)):
            "\(broker.map { "broker \($0)" } ?? "every broker") \(milliseconds) ms late for \(seconds) s"
        }
    }
}

// MARK: - Making the plan

extension Plan {
    static let requestErrorCodes: [Int32] = [
        16, // NOT_COORDINATOR
        15, // COORDINATOR_NOT_AVAILABLE
        7, // REQUEST_TIMED_OUT
        14, // COORDINATOR_LOAD_IN_PROGRESS
        6, // NOT_LEADER_OR_FOLLOWER
    ]
    static let faultedRequests: [MockKafkaCluster.Request] = [
        .offsetFetch, .offsetCommit, .produce, .joinGroup, .heartbeat, .syncGroup, .findCoordinator,
    ]
    /// Produce errors no retry cures: MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE,
    /// TOPIC_AUTHORIZATION_FAILED, INVALID_RECORD.
    static let produceRefusals: [Int32] = [10, 18, 29, 87]
    static let brokers: Int32 = 3
    static let clientsPerServer = 12

    init(seed: UInt64, seconds: Int, buses: Int, calm: Bool = false) {
        self.seed = seed
        self.seconds = seconds
        self.buses = buses
        self.calm = calm
        let end = Double(seconds)
        var setup = SeededRandom(seed: seed, stream: "setup")
        let events = (0..<Self.eventCount).map { (name: "e\($0)", partitions: setup.int(1...4)) }
        let names = events.map(\.name)
        var persistent: [Set<String>] = []
        var initial: [[(event: String, profile: HandlerProfile)]] = []
        for _ in 0..<buses {
            var chosen: [(event: String, profile: HandlerProfile)] = []
            for _ in 0..<setup.int(2...3) {
                let event = setup.pick(names.filter { name in !chosen.contains { $0.event == name } })
                chosen.append((event, setup.pick(HandlerProfile.allCases)))
            }
            initial.append(chosen)
            persistent.append(Set(chosen.map(\.event)))
        }
        self.events = events
        self.initial = initial

        var lanes: [Lane] = []
        var clients: [(name: String, at: Double)] = []
        self.firstMode = (0..<buses).map { _ in setup.pick(RunMode.allCases) }
        for server in 0..<buses {
            // Restarts, persistent handlers, clients and transient handlers, one after another.
            var random = SeededRandom(seed: seed, stream: "server-\(server)")
            var steps: [Step] = []
            var t = random.seconds(0.5...2)
            var lastRestart = -100.0
            var clientCount = 0
            while t < end {
                let unsubscribed = names.filter { !persistent[server].contains($0) }
                var choices: [(Int, Int)] = [(4, 0), (2, 1)]
                if !calm && t - lastRestart >= 8 { choices.append((2, 2)) }
                if !unsubscribed.isEmpty { choices.append((2, 3)) }
                if clientCount < Self.clientsPerServer { choices.append((1, 4)) }
                switch random.weighted(choices) {
                case 0:
                    steps.append(
                        Step(
                            at: t,
                            action: .transient(
                                server: server, event: random.pick(names), hold: random.seconds(0.3...4),
                                profile: random.pick(HandlerProfile.allCases))))
                case 1:
                    steps.append(
                        Step(
                            at: t,
                            action: .once(
                                server: server, event: random.pick(names), hold: random.seconds(0.5...4),
                                profile: random.pick(HandlerProfile.allCases))))
                case 2:
                    lastRestart = t
                    let how = random.weighted([(3, Ending.graceful), (1, .cancel), (2, .crash), (2, .overlap)])
                    steps.append(
                        Step(
                            at: t,
                            action: .restart(
                                server: server, down: random.seconds(0...3), how: how,
                                next: random.pick(RunMode.allCases))))
                case 3:
                    let event = random.pick(unsubscribed)
                    persistent[server].insert(event)
                    steps.append(
                        Step(
                            at: t,
                            action: .subscribe(
                                server: server, event: event, profile: random.pick(HandlerProfile.allCases))))
                default:
                    let name = "ws\(server)/c\(clientCount):msg"
                    clientCount += 1
                    clients.append((name, t))
                    steps.append(Step(at: t, action: .client(server: server, name: name)))
                }
                t += random.seconds(0.5...3)
            }
            lanes.append(Lane(name: "server-\(server)", steps: steps))

            // More transient handlers and loops, overlapping the first lane's (and its restarts).
            random = SeededRandom(seed: seed, stream: "handlers-\(server)")
            steps = []
            t = random.seconds(0.2...2)
            while t < end {
                let event = random.pick(names)
                let hold = random.seconds(0.2...3)
                let profile = random.pick(HandlerProfile.allCases)
                let action: Action
                switch random.weighted([(5, 0), (3, 1), (2, 2)]) {
                case 0: action = .transient(server: server, event: event, hold: hold, profile: profile)
                case 1: action = .once(server: server, event: event, hold: hold, profile: profile)
                default:
                    action = .stream(server: server, event: event, hold: hold, end: random.pick(StreamEnd.allCases))
                }
                steps.append(Step(at: t, action: action))
                t += random.seconds(0.3...2)
            }
            lanes.append(Lane(name: "handlers-\(server)", steps: steps))

            random = SeededRandom(seed: seed, stream: "waiter-\(server)")
            steps = []
            t = random.seconds(0.2...3)
            while t < end {
                steps.append(
                    Step(
                        at: t,
                        action: .waitFor(
                            server: server, event: random.pick(names), timeout: random.seconds(0.3...3))))
                t += random.seconds(0.5...4)
            }
            lanes.append(Lane(name: "waiter-\(server)", steps: steps))
        }

        for emitter in 0..<max(2, buses) {
            var random = SeededRandom(seed: seed, stream: "emitter-\(emitter)")
            var steps: [Step] = []
            var t = random.seconds(0...0.5)
            while t < end {
                let (few, burst) = (random.int(2...5), random.int(10...20))
                let count = random.weighted([(8, 1), (2, few), (1, burst)])
                // A client's messages, from a little before it connects (its topic is then
                // made by the emit) on.
                let known = clients.filter { $0.at <= t + 1 }.map(\.name)
                let event = !known.isEmpty && random.chance(0.25) ? random.pick(known) : random.pick(names)
                steps.append(
                    Step(
                        at: t,
                        action: .emit(
                            server: random.below(buses), event: event, id: "m\(emitter).\(steps.count)",
                            count: count)))
                t += random.seconds(0.02...0.4)
            }
            lanes.append(Lane(name: "emitter-\(emitter)", steps: steps))
        }

        for lane in 0..<(calm ? 0 : Self.faultLanes) {
            var random = SeededRandom(seed: seed, stream: "faults-\(lane)")
            var steps: [Step] = []
            var t = random.seconds(1...4)
            while t < end {
                let broker = Int32(random.int(1...Int(Self.brokers)))
                let fault: Fault
                switch random.weighted([(6, 0), (3, 1), (1, 2), (2, 3), (2, 4), (2, 5), (1, 6)]) {
                case 0:
                    let codes = (0..<random.int(1...4)).map { _ in random.pick(Self.requestErrorCodes) }
                    fault = .requestErrors(random.pick(Self.faultedRequests), codes)
                case 1: fault = .brokerDown(broker: broker, seconds: random.seconds(1...5))
                case 2: fault = .allDown(seconds: random.seconds(2...5))
                case 3: fault = .moveCoordinator(server: random.below(buses), broker: broker)
                case 4:
                    let event = random.pick(events)
                    fault = .moveLeader(
                        event: event.name, partition: Int32(random.below(event.partitions)), broker: broker)
                case 6:
                    fault = .refuseProduce((0..<random.int(1...3)).map { _ in random.pick(Self.produceRefusals) })
                default:
                    fault = .slowBroker(
                        milliseconds: random.int(100...2500), broker: random.chance(0.5) ? nil : broker,
                        seconds: random.seconds(1...4))
                }
                steps.append(Step(at: t, action: .fault(fault)))
                t += random.seconds(1...4)
            }
            lanes.append(Lane(name: "faults-\(lane)", steps: steps))
        }
        self.lanes = lanes
    }

    /// The whole plan, one line per step (what `--print-schedule` shows).
    var description: String {
        var lines = ["seed \(seed), \(seconds) s, \(buses) buses\(calm ? ", calm" : "")"]
        lines.append("topics: " + events.map { "\($0.name)×\($0.partitions)" }.joined(separator: " "))
        for (server, handlers) in initial.enumerated() {
            lines.append(
                "\(Self.serverID(server)) starts (\(firstMode[server])) with: "
                    + handlers.map { "\($0.event) (\($0.profile))" }.joined(separator: ", "))
        }
        for lane in lanes {
            for step in lane.steps {
                lines.append("\(lane.name) \(String(format: "%7.3f", step.at)) \(step.action.summary)")
            }
        }
        return lines.joined(separator: "\n")
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
