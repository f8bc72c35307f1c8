package syslog

import (
	"fmt"
	"log/slog"
	"maps"
	"strconv"

	"github.com/slogx/handlers/slogx"
)

// Facility is a syslog facility code (RFC 5424 §6.2.1), the upper bits of PRI.
type Facility int

// Facility codes, the values of Python's SysLogHandler.LOG_* (and <sys/syslog.h>).
const (
	LOG_KERN     Facility = 0  // kernel messages
	LOG_USER     Facility = 1  // random user-level messages
	LOG_MAIL     Facility = 2  // mail system
	LOG_DAEMON   Facility = 3  // system daemons
	LOG_AUTH     Facility = 4  // security/authorization messages
	LOG_SYSLOG   Facility = 5  // messages generated internally by syslogd
	LOG_LPR      Facility = 6  // line printer subsystem
	LOG_NEWS     Facility = 7  // network news subsystem
	LOG_UUCP     Facility = 8  // UUCP subsystem
	LOG_CRON     Facility = 9  // clock daemon
	LOG_AUTHPRIV Facility = 10 // security/authorization messages (private)
	LOG_FTP      Facility = 11 // FTP daemon
	LOG_NTP      Facility = 12 // NTP subsystem
	LOG_SECURITY Facility = 13 // log audit
	LOG_CONSOLE  Facility = 14 // log alert
	LOG_SOLCRON  Facility = 15 // scheduling daemon (Solaris)
	LOG_LOCAL0   Facility = 16 // reserved for local use
	LOG_LOCAL1   Facility = 17 // reserved for local use
	LOG_LOCAL2   Facility = 18 // reserved for local use
	LOG_LOCAL3   Facility = 19 // reserved for local use
	LOG_LOCAL4   Facility = 20 // reserved for local use
	LOG_LOCAL5   Facility = 21 // reserved for local use
	LOG_LOCAL6   Facility = 22 // reserved for local use
	LOG_LOCAL7   Facility = 23 // reserved for local use
)

// Severity is a syslog severity (RFC 5424 §6.2.1), the lower three bits of PRI; lower is
// more severe.
type Severity int

// Severities, the values of Python's SysLogHandler.LOG_EMERG ... LOG_DEBUG.
const (
	LOG_EMERG   Severity = 0 // system is unusable
	LOG_ALERT   Severity = 1 // action must be taken immediately
	LOG_CRIT    Severity = 2 // critical conditions
	LOG_ERR     Severity = 3 // error conditions
	LOG_WARNING Severity = 4 // warning conditions
	LOG_NOTICE  Severity = 5 // normal but significant condition
	LOG_INFO    Severity = 6 // informational
	LOG_DEBUG   Severity = 7 // debug-level messages
)

// syslogFacilityNames is Python's SysLogHandler.facility_names.
var syslogFacilityNames = map[string]Facility{
	"auth": LOG_AUTH, "authpriv": LOG_AUTHPRIV, "console": LOG_CONSOLE, "cron": LOG_CRON,
	"daemon": LOG_DAEMON, "ftp": LOG_FTP, "kern": LOG_KERN, "lpr": LOG_LPR, "mail": LOG_MAIL,
	"news": LOG_NEWS, "ntp": LOG_NTP, "security": LOG_SECURITY, "solaris-cron": LOG_SOLCRON,
	"syslog": LOG_SYSLOG, "user": LOG_USER, "uucp": LOG_UUCP,
	"local0": LOG_LOCAL0, "local1": LOG_LOCAL1, "local2": LOG_LOCAL2, "local3": LOG_LOCAL3,
	"local4": LOG_LOCAL4, "local5": LOG_LOCAL5, "local6": LOG_LOCAL6, "local7": LOG_LOCAL7,
}

// syslogPriorityNames is Python's SysLogHandler.priority_names, deprecated aliases included.
var syslogPriorityNames = map[string]Severity{
	"alert": LOG_ALERT, "crit": LOG_CRIT, "critical": LOG_CRIT, "debug": LOG_DEBUG,
	"emerg": LOG_EMERG, "err": LOG_ERR, "error": LOG_ERR, "info": LOG_INFO,
	"notice": LOG_NOTICE, "panic": LOG_EMERG, "warn": LOG_WARNING, "warning": LOG_WARNING,
}

// facilityNames returns a fresh copy of Python's SysLogHandler.facility_names.
func facilityNames() map[string]Facility { return maps.Clone(syslogFacilityNames) }

// priorityNames returns a fresh copy of Python's SysLogHandler.priority_names (severity
// names, deprecated aliases "error", "panic" and "warn" included).
func priorityNames() map[string]Severity { return maps.Clone(syslogPriorityNames) }

// ParseFacility returns the facility named name in Python's facility_names ("user",
// "local0", "solaris-cron", ...). Names are case-sensitive, as in Python.
func ParseFacility(name string) (Facility, error) {
	f, ok := syslogFacilityNames[name]
	if !ok {
		return 0, fmt.Errorf("netsink: unknown syslog facility %q", name)
	}
	return f, nil
}

// ParseSeverity returns the severity named name in Python's priority_names.
func ParseSeverity(name string) (Severity, error) {
	s, ok := syslogPriorityNames[name]
	if !ok {
		return 0, fmt.Errorf("netsink: unknown syslog priority %q", name)
	}
	return s, nil
}

// encodePriority returns the PRI value (facility << 3) | severity, as Python's
// SysLogHandler.encodePriority does for integers.
func encodePriority(f Facility, s Severity) int { return int(f)<<3 | int(s) }

// String returns the facility's name in facility_names ("user"), or its number.
func (f Facility) String() string {
	best := ""
	for name, v := range syslogFacilityNames {
		// "security" and "solaris-cron" have no aliases; pick the shortest name for stability.
		if v == f && (best == "" || len(name) < len(best) || len(name) == len(best) && name < best) {
			best = name
		}
	}
	if best == "" {
		return "facility(" + strconv.Itoa(int(f)) + ")"
	}
	return best
}

// String returns the canonical name of s ("emerg", "alert", "crit", "err", "warning",
// "notice", "info", "debug"), or its number.
func (s Severity) String() string {
	switch s {
	case LOG_EMERG:
		return "emerg"
	case LOG_ALERT:
		return "alert"
	case LOG_CRIT:
		return "crit"
	case LOG_ERR:
		return "err"
	case LOG_WARNING:
		return "warning"
	case LOG_NOTICE:
		return "notice"
	case LOG_INFO:
		return "info"
	case LOG_DEBUG:
		return "debug"
	}
	return "severity(" + strconv.Itoa(int(s)) + ")"
}

// LevelSeverity maps a slog level to a syslog severity: Debug (and below) -> debug (7),
// Info -> info (6), Warn -> warning (4), Error -> err (3), 12 (Python's CRITICAL) and above ->
// crit (2). A level between two of these rounds toward the more severe one: Info+1 is a
// warning, Error+1 is crit, Debug+1 is info. Notice, alert and emerg are never produced.
func LevelSeverity(l slog.Level) Severity {
	switch {
	case l <= slog.LevelDebug:
		return LOG_DEBUG
	case l <= slog.LevelInfo:
		return LOG_INFO
	case l <= slog.LevelWarn:
		return LOG_WARNING
	case l <= slog.LevelError:
		return LOG_ERR
	}
	return LOG_CRIT
}

// PythonSeverity maps a slog level to a syslog severity exactly as CPython's
// SysLogHandler.mapPriority does with the record's level name: DEBUG, INFO, WARNING, ERROR
// and CRITICAL map to debug, info, warning, err and crit; every other level (Python's
// "Level 15") maps to warning. Use it as Options.Severity with the Python format to
// be byte-identical to CPython for custom levels too.
func PythonSeverity(l slog.Level) Severity {
	switch l {
	case slog.LevelDebug:
		return LOG_DEBUG
	case slog.LevelInfo:
		return LOG_INFO
	case slog.LevelWarn:
		return LOG_WARNING
	case slog.LevelError:
		return LOG_ERR
	case slogx.LevelCritical:
		return LOG_CRIT
	}
	return LOG_WARNING
}
