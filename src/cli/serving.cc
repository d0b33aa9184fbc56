#include "cli/serving.h"

#include <spdlog/spdlog.h>

namespace hatchery::cli {

CLI::Option* AddServingOptions(CLI::App* cmd, ServingArgs* args, const std::string& listen_flag) {
  auto* listen = cmd->add_option(listen_flag, args->listen,
                                 "HOST:PORT to serve on (default 127.0.0.1:7411; port 0: any)");
  cmd->add_option("--tokens", args->tokens, "the tokens file (hatchery token add)");
  cmd->add_option("--http", args->http,
                  "HOST:PORT: also serve the web console there (docs/console.md; HTTPS with "
                  "--tls-cert and --tls-key), signed in with the same tokens");
  cmd->add_option("--idle-timeout", args->idle_timeout_s,
                  "seconds a connection may take to send a whole request line (default 300)");
  cmd->add_option("--max-connections", args->options.max_connections, "default 1024");
  cmd->add_option("--hello-timeout", args->hello_timeout_s,
                  "seconds a new connection has for its TLS handshake and hello (default 5)");
  cmd->add_option("--max-unauthenticated", args->options.max_unauthenticated,
                  "connections that have not said hello yet, in all (default 128)");
  cmd->add_option("--max-unauthenticated-per-address",
                  args->options.max_unauthenticated_per_address,
                  "the same from one address (default 32)");
  cmd->add_option("--network-threads", args->options.network_threads,
                  "threads that run the connections (default: half the cores, at least 1)");
  cmd->add_option("--max-frame-bytes", args->options.max_frame_bytes,
                  "longest request line (default 1 MiB)");
  auto* cert = cmd->add_option("--tls-cert", args->options.tls_cert_file,
                               "serve TLS with this PEM certificate chain")
                   ->check(CLI::ExistingFile);
  auto* tls_key =
      cmd->add_option("--tls-key", args->options.tls_key_file, "the PEM private key of --tls-cert")
          ->check(CLI::ExistingFile);
  cert->needs(tls_key);
  tls_key->needs(cert);
  cmd->add_option("--backups", args->options.backup_dir,
                  "the backup directory of the `backup` op (admins: hatchery backup --connect)");
  cmd->add_option("--access-log", args->options.access_log_file,
                  "append every login, taken or refused, to this file as JSON lines, and answer "
                  "`hatchery logins` from it across restarts (default: since the start only)");
  cmd->add_option("--log-level", args->log_level,
                  "info (a line per connection) or debug (a line per request)")
      ->check(CLI::IsMember({"debug", "info", "warn", "error", "off"}));
  return listen;
}

namespace {

// HOST:PORT into host and port. Errors: kBadRequest naming `flag`.
Status ParseAddress(const std::string& address, const std::string& flag, std::string* host,
                    std::uint16_t* port) {
  std::size_t colon = address.rfind(':');
  if (colon == std::string::npos) {
    return Status(Code::kBadRequest, flag + " wants HOST:PORT, e.g. 127.0.0.1:7411",
                  boost::json::object{{"field", flag}});
  }
  *host = address.substr(0, colon);
  try {
    int number = std::stoi(address.substr(colon + 1));
    if (number < 0 || number > 65535) throw std::out_of_range("port");
    *port = static_cast<std::uint16_t>(number);
  } catch (const std::exception&) {
    return Status(Code::kBadRequest, flag + " wants HOST:PORT with a port 0-65535",
                  boost::json::object{{"field", flag}});
  }
  return Status::Ok();
}

}  // namespace

Status ResolveServing(ServingArgs* args) {
  RETURN_IF_ERROR(
      ParseAddress(args->listen, "the address", &args->options.host, &args->options.port));
  if (!args->http.empty()) {
    args->options.http = true;
    RETURN_IF_ERROR(
        ParseAddress(args->http, "--http", &args->options.http_host, &args->options.http_port));
  }
  args->options.idle_timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(args->idle_timeout_s * 1000));
  args->options.hello_timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(args->hello_timeout_s * 1000));
  spdlog::set_level(spdlog::level::from_str(args->log_level));
  return Status::Ok();
}

StatusOr<server::TokenStore> LoadServingTokens(const std::string& path) {
  if (path.empty()) return Status(Code::kBadRequest, "serving needs --tokens FILE");
  ASSIGN_OR_RETURN(server::TokenStore tokens, server::TokenStore::Load(path));
  if (tokens.entries().empty()) {
    return Status(Code::kBadRequest, "no tokens in " + path +
                                         " (add one: hatchery token add --tokens " + path +
                                         " --actor ID --role admin)");
  }
  return tokens;
}

sigset_t BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

int WaitForStop(const sigset_t& signals, server::Server* server) {
  int signal = 0;
  while (sigwait(&signals, &signal) == 0 && signal == SIGHUP) {
    if (server) (void)server->ReloadTokens();  // logged; a file that does not load leaves them
  }
  return signal;
}

}  // namespace hatchery::cli
