// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Loads the config file, or explains where it is expected.
enum ConfigLocation {
    static var path: String { ConfigFile.defaultPath(environment: ProcessInfo.processInfo.environment) }

    static func load() throws -> ConfigFile {
        guard let config = try ConfigFile.load(path: path) else {
            throw CommandFailure.failed("no config file at \(path) (see README: The config file)")
        }
        return config
    }
}
