#include "app/command_line.h"

#include <iostream>

#include "common/error.h"

namespace po = boost::program_options;

namespace hpsweep {

bool parse_command_line(const std::vector<std::string>& args,
                        const po::options_description& options,
                        const po::positional_options_description& positional,
                        const std::string& usage, po::variables_map& values) {
  po::options_description all(options);
  all.add_options()("help,h", "show this help");
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), values);
    if (values.count("help")) {
      std::cout << usage << "\n" << all;
      return false;
    }
    po::notify(values);
  } catch (const po::error& e) {
    throw UserError(std::string(e.what()) + "\n" + usage);
  }
  return true;
}

}  // namespace hpsweep
