/*
 * version.h - lvsbox's version, the one string every --version, log line
 * and status answer prints.
 */
#ifndef LVSBOX_VERSION_H
#define LVSBOX_VERSION_H

#define LVSBOX_VERSION "0.1.0"

#endif
