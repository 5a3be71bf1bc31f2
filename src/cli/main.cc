// tinkr: the command-line client of tinkr-server. See src/cli/context.h.
#include "cli/context.h"

int main(int argc, char** argv) { return tinkr::cli::run(argc, argv); }
