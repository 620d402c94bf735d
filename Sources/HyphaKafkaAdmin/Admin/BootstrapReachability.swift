// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaEventBus

/// Whether the bootstrap servers can be connected to at all, asked before
/// waiting on librdkafka: a refused connection or a name that does not resolve
/// is known at once, while librdkafka keeps retrying both until a timeout runs
/// out (a client of `127.0.0.1:1` waited its whole 10 s timeout to report no
/// answer).
public enum BootstrapReachability {
    /// What a TCP connect to one bootstrap server found.
    public enum Outcome: Sendable, Equatable {
        /// A connection was opened to this address.
        case open(String)
        /// The name did not resolve: the resolver's reason.
        case unresolved(String)
        /// Every address of the name refused the connection (or the network was
        /// unreachable): the last address and its reason.
        case refused(String, String)
        /// No answer within the bound: maybe a firewall, maybe a slow network.
        case silent(String)
    }

    /// How long one address may take to answer a connect before it counts as
    /// silent. A refusal takes one round trip; this only bounds the wait for
    /// addresses that drop the connect, which then wait out the settings'
    /// `timeout` anyway.
    public static let connectBound = Duration.seconds(1)

    /// The failure to report when every bootstrap server refused the connection
    /// or does not resolve; nil as soon as one opens a connection or stays
    /// silent (which librdkafka's own timeout then judges).
    public static func failure(for settings: KafkaClientSettings, bound: Duration = connectBound) -> KafkaFailure? {
        let addresses = settings.bootstrapAddresses
        guard !addresses.isEmpty else { return nil }
        var problems: [(address: String, problem: String)] = []
        var resolving = false
        for address in addresses {
            let (host, port) = (address.host, address.port)
            switch probe(host: host, port: port, bound: bound) {
            case .open, .silent:
                return nil
            case .unresolved(let reason):
                resolving = true
                problems.append(("\(host):\(port)", "\(host) does not resolve (\(reason))"))
            case .refused(let ip, let reason):
                let refusal = reason.lowercased()
                problems.append(("\(host):\(port)", ip == host ? refusal : "\(refusal) by \(ip)"))
            }
        }
        let causes =
            problems.count == 1
            ? problems[0].problem : problems.map { "\($0.address) \($0.problem)" }.joined(separator: "; ")
        let source = settings.bootstrapSource.map { ", which came from \($0)" } ?? ""
        let hint =
            resolving
            ? "check the host name\(source), and this machine's DNS"
            : "is a broker listening there, and is that its advertised port? Check the address\(source)"
        return KafkaFailure(
            .unreachable, "cannot connect to Kafka at \(settings.bootstrapDescription): \(causes)",
            hint: hint, code: resolving ? .resolve : .transport, isRetriable: true)
    }

    /// A TCP connect to `host:port`, trying each address the name resolves to
    /// (as librdkafka does) within `bound` in all.
    public static func probe(host: String, port: UInt16, bound: Duration) -> Outcome {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else { return .unresolved(String(cString: gai_strerror(status))) }
        defer { freeaddrinfo(list) }
        let deadline = ContinuousClock.now + bound
        var last: Outcome = .silent(host)
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry {
            entry = address.pointee.ai_next
            let ip = numericHost(address.pointee)
            let outcome = connect(address.pointee, ip: ip, until: deadline)
            if case .refused = outcome {
                last = outcome
                continue
            }
            return outcome
        }
        return last
    }

    private static func numericHost(_ address: addrinfo) -> String {
        var text = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        getnameinfo(address.ai_addr, address.ai_addrlen, &text, socklen_t(text.count), nil, 0, NI_NUMERICHOST)
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func connect(_ address: addrinfo, ip: String, until deadline: ContinuousClock.Instant) -> Outcome {
        let socket = Foundation.socket(address.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return .refused(ip, String(cString: strerror(errno))) }
        defer { close(socket) }
        _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
        if Foundation.connect(socket, address.ai_addr, address.ai_addrlen) == 0 { return .open(ip) }
        guard errno == EINPROGRESS else { return .refused(ip, String(cString: strerror(errno))) }
        let remaining = deadline - ContinuousClock.now
        guard remaining > .zero else { return .silent(ip) }
        var poller = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
        guard poll(&poller, 1, remaining.wholeMilliseconds) == 1 else { return .silent(ip) }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(socket, SOL_SOCKET, SO_ERROR, &error, &length)
        return error == 0 ? .open(ip) : .refused(ip, String(cString: strerror(error)))
    }
}
