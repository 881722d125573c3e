#include "app/command_line.h"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <iostream>

#include "common/error.h"

namespace po = boost::program_options;

namespace hpsweep {
namespace {

// "spec" -> "SPEC": how usage lines and --help name a positional argument.
std::string argument_name(const std::string& option) {
  std::string name = option;
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

std::vector<std::string> positional_names(const po::positional_options_description& positional) {
  std::vector<std::string> names;
  for (unsigned i = 0; i < positional.max_total_count() && i < 16; ++i) {
    const std::string& name = positional.name_for_position(i);
    if (names.empty() || names.back() != name) names.push_back(name);
  }
  return names;
}

bool is_positional(const std::vector<std::string>& names, const std::string& option) {
  for (const std::string& name : names)
    if (name == option) return true;
  return false;
}

void print_help(const po::options_description& options, const std::vector<std::string>& names,
                const std::string& usage) {
  std::cout << usage << "\n";
  po::options_description named("options");
  std::vector<boost::shared_ptr<po::option_description>> arguments;
  for (const auto& option : options.options()) {
    if (is_positional(names, option->long_name()))
      arguments.push_back(option);
    else
      named.add(option);
  }
  named.add_options()("help,h", "show this help");
  // In the options' column, so that both lists read as one table.
  const int width = static_cast<int>(named.get_option_column_width());
  if (!arguments.empty()) std::cout << "\narguments:\n";
  for (const auto& option : arguments) {
    char line[512];
    std::snprintf(line, sizeof line, "  %-*s%s\n", width - 2,
                  argument_name(option->long_name()).c_str(), option->description().c_str());
    std::cout << line;
  }
  std::cout << "\n" << named;
}

}  // namespace

std::string shortest_number(double x) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, x);
  return std::string(buffer, result.ptr);
}

bool parse_command_line(const std::vector<std::string>& args,
                        const po::options_description& options,
                        const po::positional_options_description& positional,
                        const std::string& usage, po::variables_map& values) {
  po::options_description all(options);
  all.add_options()("help,h", "show this help");
  const std::vector<std::string> names = positional_names(positional);
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), values);
    if (values.count("help")) {
      print_help(options, names, usage);
      return false;
    }
    po::notify(values);
  } catch (const po::required_option& e) {
    const std::string option =
        e.get_option_name().substr(e.get_option_name().find_first_not_of('-'));
    if (is_positional(names, option))
      throw UserError("missing " + argument_name(option) + ": " +
                      options.find(option, false).description() + "\n" + usage);
    throw UserError(std::string(e.what()) + "\n" + usage);
  } catch (const po::error& e) {
    throw UserError(std::string(e.what()) + "\n" + usage);
  }
  return true;
}

}  // namespace hpsweep
