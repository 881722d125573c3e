// The live status server of `hpsweep run` (--status, or the spec's `status:` block) and
// `hpsweep serve`: which address and token, the warning for an address beyond loopback, and
// the URL to open.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "common/spec.h"
#include "status/status_board.h"
#include "status/status_server.h"

namespace hpsweep {

// A board and the server that serves it; the server stops first.
class LiveStatus {
 public:
  // Prints the URL (and a warning when the address is not loopback) to `log`. `workers_here`:
  // the trials run on this host (dev mode), which the trial table then names.
  LiveStatus(const StatusServerOptions& options, bool workers_here, std::ostream& log);
  StatusBoard& board() { return board_; }
  const StatusServer& server() const { return *server_; }

 private:
  StatusBoard board_;
  std::unique_ptr<StatusServer> server_;
};

// The server options from `--status` and `--status-token` (`option_*`, empty when not given),
// which take precedence over the spec's block; nullopt when neither asks for a server. A token
// file that does not exist is created with a new random token (readable by its owner only).
// Throws UserError for a bad address or an unreadable or empty token file.
std::optional<StatusServerOptions> status_server_options(const std::string& option_address,
                                                         const std::string& option_token_file,
                                                         const StatusSpec& spec, std::ostream& log);

}  // namespace hpsweep
