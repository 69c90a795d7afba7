/*
 * cmd_gov.h - the governance subcommands (signing, rosters, sealed
 * transfer, verification), registered in main.c's table.
 */
#ifndef UNIKA_CLI_CMD_GOV_H
#define UNIKA_CLI_CMD_GOV_H

int cmd_sign_keygen(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_roster(int argc, char **argv);
int cmd_box_keygen(int argc, char **argv);
int cmd_seal(int argc, char **argv);
int cmd_open(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_manifest(int argc, char **argv);
int cmd_link_keygen(int argc, char **argv);
int cmd_link(int argc, char **argv);
int cmd_verify_link(int argc, char **argv);

#endif
