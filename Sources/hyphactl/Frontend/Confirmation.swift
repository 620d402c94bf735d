// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Asking a person at a terminal before something that cannot be undone.
enum Confirmation {
    /// Returns when the person answers yes; throws otherwise, and when nobody can answer.
    static func ask(_ question: String) throws {
        guard Terminal.inputIsInteractive else {
            throw CommandFailure.failed("refusing to \(question.dropLast()) without --yes (no terminal to confirm on)")
        }
        FileHandle.standardError.write(Data("\(question.prefix(1).uppercased() + question.dropFirst()) [y/N] ".utf8))
        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        guard answer == "y" || answer == "yes" else {
            throw CommandFailure.failed("not confirmed: nothing deleted")
        }
    }
}
