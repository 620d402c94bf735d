// SPDX-License-Identifier: Apache-2.0
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the exporter could not listen: one line for the operator.
package struct ListenFailure: Error, CustomStringConvertible {
    /// What failed and what to try.
    package let description: String
}

/// Serves `GET /metrics` (and `HEAD`) over HTTP/1.1 with SwiftNIO: the metrics
/// in Prometheus' text format; 404 for any other path, 405 for any
/// other method. A `Service`: `run()` serves until graceful shutdown (SIGTERM,
/// SIGINT under a `ServiceGroup`) or cancellation, then closes every connection.
package final class MetricsServer: Service, Sendable {
    private typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// The content type of Prometheus' text format, version 0.0.4.
    package static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let listener: NIOAsyncChannel<Connection, Never>
    private let metrics: @Sendable () async -> [UInt8]
    private let logger: Logger
    /// Where it listens; the port is the one bound (also when 0 was asked for).
    package let address: ListenAddress

    private init(
        listener: NIOAsyncChannel<Connection, Never>, address: ListenAddress, logger: Logger,
        metrics: @escaping @Sendable () async -> [UInt8]
    ) {
        self.listener = listener
        self.address = address
        self.metrics = metrics
        self.logger = logger
    }

    /// Binds `address` now, so that a port in use or an unknown host fails
    /// before anything runs. Serving starts with `run()`; each GET of /metrics
    /// answers with what `metrics` returns (never an error, never much later than its timeout).
    package static func bind(
        _ address: ListenAddress, logger: Logger, metrics: @escaping @Sendable () async -> [UInt8]
    ) async throws(ListenFailure) -> MetricsServer {
        let listener: NIOAsyncChannel<Connection, Never>
        do {
            listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelOption(.backlog, value: 64)
                .bind(host: address.host, port: address.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        return try Connection(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw ListenFailure(
                description: "cannot listen on \(address): \(Self.reason(error)) (pick another --listen)")
        }
        let bound = ListenAddress(host: address.host, port: listener.channel.localAddress?.port ?? address.port)
        return MetricsServer(listener: listener, address: bound, logger: logger, metrics: metrics)
    }

    /// Serves until graceful shutdown or cancellation; then returns (without an error).
    package func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await self.listener.executeThenClose { connections in
                    try await withThrowingDiscardingTaskGroup { group in
                        for try await connection in connections {
                            group.addTask { await self.serve(connection) }
                        }
                    }
                }
            }
        } catch is CancellationError {
            // Shut down: every connection has been closed.
        }
    }

    /// Answers each request of one connection in turn, until the client closes
    /// it, asks for it to be closed, or the server shuts down.
    private func serve(_ connection: Connection) async {
        do {
            try await connection.executeThenClose { requests, _ in
                var head: HTTPRequestHead?
                for try await part in requests {
                    switch part {
                    case .head(let request): head = request
                    case .body: break // a GET or HEAD has no body worth reading
                    case .end:
                        guard let request = head else { continue }
                        head = nil
                        try await respond(to: request, on: connection.channel)
                        if !request.isKeepAlive { return }
                    }
                }
            }
        } catch {
            logger.debug("exporter connection ended: \(error)")
        }
    }

    /// Writes the response straight to the channel; returns once it is written,
    /// so that closing the connection afterwards never cuts it short.
    private func respond(to request: HTTPRequestHead, on channel: any Channel) async throws {
        let path = request.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        var headers = HTTPHeaders()
        let status: HTTPResponseStatus
        let body: [UInt8]
        if path != "/metrics" {
            (status, body) = (.notFound, Array("not found: Prometheus metrics are at /metrics\n".utf8))
            headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        } else if request.method != .GET && request.method != .HEAD {
            (status, body) = (.methodNotAllowed, Array("only GET and HEAD\n".utf8))
            headers.add(name: "Allow", value: "GET, HEAD")
            headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        } else {
            (status, body) = (.ok, await metrics())
            headers.add(name: "Content-Type", value: Self.contentType)
        }
        headers.add(name: "Content-Length", value: String(body.count))
        if !request.isKeepAlive { headers.add(name: "Connection", value: "close") }
        logger.debug("exporter: \(request.method) \(request.uri) → \(status.code)")

        channel.write(
            HTTPServerResponsePart.head(HTTPResponseHead(version: request.version, status: status, headers: headers)),
            promise: nil)
        if request.method != .HEAD && !body.isEmpty {
            channel.write(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil)
        }
        try await channel.writeAndFlush(HTTPServerResponsePart.end(nil)).get()
    }

    /// What went wrong with a bind, in words.
    private static func reason(_ error: any Error) -> String {
        switch error {
        case let error as IOError: String(cString: strerror(error.errnoCode))
        case let error as SocketAddressError.UnknownHost: "cannot resolve \(error.host): \(error.errorDescription)"
        case let error as SocketAddressError: "not an address this system supports (\(error))"
        default: "\(error)"
        }
    }
}
