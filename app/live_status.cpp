#include "app/live_status.h"

#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <random>

#include "common/error.h"

namespace hpsweep {
namespace {

std::string new_token() {
  std::random_device entropy;  // /dev/urandom
  const char* digits = "0123456789abcdef";
  std::string token;
  for (int i = 0; i < 32; ++i) token += digits[entropy() % 16];
  return token;
}

std::string read_or_create_token(const std::string& path, std::ostream& log) {
  if (!std::filesystem::exists(path)) {
    const std::string token = new_token();
    {
      std::ofstream out(path);
      out << token << "\n";
      if (!out) throw UserError(path + ": cannot write the status token");
    }
    std::filesystem::permissions(
        path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    log << "status: new token written to " << path << "\n";
    return token;
  }
  std::ifstream in(path);
  std::string token;
  std::getline(in, token);
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back()))) token.pop_back();
  if (token.empty() || token.find_first_of(" \t&?#%") != std::string::npos)
    throw UserError(path + ": expected a status token on its first line (no spaces, &, ?, # or %)");
  return token;
}

// Where the trials of a dev-mode sweep (and rank 0 of a cluster one) run.
std::string host_name() {
  char host[256] = "";
  gethostname(host, sizeof host - 1);
  return host;
}

}  // namespace

std::optional<StatusServerOptions> status_server_options(const std::string& option_address,
                                                         const std::string& option_token_file,
                                                         const StatusSpec& spec,
                                                         std::ostream& log) {
  const std::string& text = option_address.empty() ? spec.address : option_address;
  if (text.empty()) {
    if (!option_token_file.empty()) throw UserError("--status-token needs --status HOST:PORT");
    return std::nullopt;
  }
  const std::optional<StatusAddress> address = parse_status_address(text);
  if (!address)
    throw UserError("--status: " + std::string(kStatusAddressForm) + ", got '" + text + "'");
  StatusServerOptions options;
  options.address = *address;
  const std::string& token_file = option_token_file.empty() ? spec.token_file : option_token_file;
  if (!token_file.empty()) options.token = read_or_create_token(token_file, log);
  return options;
}

LiveStatus::LiveStatus(const StatusServerOptions& options, bool workers_here, std::ostream& log)
    : board_(workers_here ? host_name() : ""),
      server_(std::make_unique<StatusServer>(board_, options)) {
  if (!options.address.loopback())
    log << "warning: the status server listens on " << options.address.host
        << ", beyond this machine: whoever reaches it can read the sweep"
        << (options.token.empty() ? " (--status-token FILE requires a token)" : "") << "\n";
  log << "status: " << server_->url() << "\n";
}

}  // namespace hpsweep
