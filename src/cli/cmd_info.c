/* fracagg info: what a run file holds. */
#include <config.h>

#include "cli.h"

int cmd_info(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        cli_command_help("info", argc == 2 && argv[1][1] == 'h' ? stdout : stderr);
        return argc == 2 && argv[1][1] == 'h' ? FA_EXIT_OK : FA_EXIT_USAGE;
    }
    int rc = fa_runfile_info(argv[1], stdout);
    if (rc != FA_OK) {
        cli_error(NULL);
        return FA_EXIT_USAGE;
    }
    return FA_EXIT_OK;
}
