/**
 * The shell functions a host runs for pvlook. They are sent once to a
 * long-lived `/bin/sh -s` (or once per command in exec mode); each sample is
 * then one line calling them (see wire.ts, which owns the request and answer
 * formats).
 *
 * Why this shape:
 * - Processes are what a sample costs the server, so the steady state forks
 *   one: the log stays open on a descriptor of the long-lived shell
 *   (3 + index, for the first six logs), `[ path -ef /dev/fd/N ]` (a shell
 *   builtin) proves the path still names that file, and `wc -lc` reads only
 *   what was appended since the last sample. The time comes from
 *   /proc/uptime through the `read` builtin (10 ms steps, never stepped by
 *   NTP) where there is one, else `date +%s.%N`, else nothing (pvlook then
 *   times the sample itself). It is read right after the counts: on a busy
 *   server, starting a process can take longer than the read itself, and
 *   the clock must say when the count ended, not when the request began.
 * - Without an open descriptor (exec mode, a new session, globs, a seventh
 *   log, a host without /dev/fd) pvlook sends back the file identity and
 *   offset it was given last time, and the functions stat the file and
 *   `tail -c +N` from there: the cost never grows with the log's size.
 * - What the host's tools can do (date's nanoseconds, /dev/fd, /proc/uptime)
 *   is found out once, when the functions are defined, with builtins where
 *   possible; at first use, which stat this is (GNU `-c` with the birth time,
 *   BusyBox `-c` without it, BSD `-f`) and whether awk ends a line at a NUL
 *   byte (BusyBox's does, so NULs become \001 before it: lines and bytes
 *   stay exact).
 * - A missing tool (found with `command -v`, a builtin) fails the logs that
 *   need it with its name (`lacks stat`), and a tail that read fewer bytes
 *   than stat saw fails the log (or is a truncation, if the file shrank):
 *   half a pipeline must never pass for a small count.
 * - Nothing from a log reaches the output: only counts, identities and
 *   hex-encoded names or error texts. Pattern counts end at a sentinel that
 *   holds the request's random tag, which no log line can know in advance.
 * - Everything is POSIX sh (dash, BusyBox ash, bash); eval only ever sees
 *   pvlook's own integers (descriptor numbers and indexes), never data.
 */

/** Files one glob may match: each costs its own stat and count every sample. */
export const MAX_GLOB_FILES = 256;

/** `@{` stands for the shell's `${`, which a template literal cannot hold. */
export const SHELL_PRELUDE = String.raw`export LC_ALL=C
pvlook_idfmt=gnu
pvlook_idok=
pvlook_awknul=
pvlook_lack=
for pvlook_x in stat tail wc awk od tr date; do
  command -v "$pvlook_x" >/dev/null 2>&1 || pvlook_lack="$pvlook_lack $pvlook_x"
done
pvlook_clock=none
if read -r pvlook_t _ </proc/uptime 2>/dev/null; then
  pvlook_clock=up
else
  case $(date +%s.%N 2>/dev/null) in
    *[0-9].[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]) pvlook_clock=wall ;;
  esac
fi
pvlook_noawk=
case "$pvlook_lack " in *" awk "*) pvlook_noawk=1 ;; esac
pvlook_fds=
if exec 9</dev/null && [ /dev/null -ef /dev/fd/9 ]; then pvlook_fds=1; fi
exec 9<&-
pvlook_COUNT='BEGIN {
  np = split(pats, pat, "\037"); s = sprintf("%c%s%c", 1, tag, 2); ls = length(s)
  for (i = 1; i <= np; i++) if ("" ~ pat[i]) z = 1
}
length($0) >= ls && substr($0, length($0) - ls + 1) == s { rest = length($0) - ls; done = 1; exit }
chk && NR == 1 { if ($0 != "") { cut = 1; done = 1; exit } next }
{ n++; bytes += length($0) + 1; for (i = 1; i <= np; i++) if ($0 ~ pat[i]) c[i]++ }
END {
  if (cut) { print "cut"; exit }
  if (!done) { print "-"; exit }
  out = (n + 0) " " (bytes + 0) " " (bytes + rest)
  for (i = 1; i <= np; i++) out = out " " (c[i] + 0)
  print out
}'
pvlook_begin() {
  R=$1
}
pvlook_end() {
  case $pvlook_clock in
    up) read -r pvlook_t _ </proc/uptime ;;
    wall) pvlook_t=$(date +%s.%N) ;;
    *) pvlook_t=- ;;
  esac
  echo "@pvlook2 $R time $pvlook_clock $pvlook_t"
  echo "@pvlook2 $R end"
}
pvlook_hex() {
  printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'
}
pvlook_drop() {
  [ -n "$pvlook_fd" ] || return 0
  eval "pvlook_h$pvlook_slot="
  eval "exec $pvlook_fd<&-"
}
pvlook_fail() {
  pvlook_drop
  echo "@pvlook2 $R $pvlook_out $1"
}
pvlook_need() {
  pvlook_no=
  for pvlook_x in "$@"; do
    case "$pvlook_lack " in *" $pvlook_x "*) pvlook_no="$pvlook_no $pvlook_x" ;; esac
  done
  [ -z "$pvlook_no" ] && return 0
  pvlook_fail "lacks$pvlook_no"
  return 1
}
pvlook_regular() {
  # Only regular files are read: a FIFO would block the shell, a device (a link to /dev/zero) never ends.
  [ -f "$1" ] && return 0
  if [ -p "$1" ]; then pvlook_x=fifo
  elif [ -c "$1" ]; then pvlook_x=chardev
  elif [ -b "$1" ]; then pvlook_x=blockdev
  elif [ -S "$1" ]; then pvlook_x=socket
  else pvlook_x=other
  fi
  pvlook_fail "special $pvlook_x"
  return 1
}
pvlook_stat() {
  case $pvlook_idfmt in
    gnu) stat -L -c '%i:%.9W %s' -- "$1" ;;
    c) stat -L -c '%i %s' -- "$1" ;;
    *) stat -L -f '%i %z' -- "$1" ;;
  esac 2>&1
}
pvlook_ident() {
  while :; do
    pvlook_s=$(pvlook_stat "$pvlook_file")
    case $pvlook_s in
      *[!0-9:.?' '-]* | '' | *' '*' '* | *' '*[!0-9]*) ;;
      [0-9]*' '[0-9]*) pvlook_idok=1; return 0 ;;
    esac
    [ -e "$pvlook_file" ] || return 2
    # Once a form has worked it is this host's: a later failure (a file rotated under us) is that file's, not the form's.
    [ -z "$pvlook_idok" ] || return 1
    case $pvlook_idfmt in
      gnu) pvlook_idfmt=c ;;
      c) pvlook_idfmt=bsd ;;
      *) return 1 ;;
    esac
  done
}
pvlook_ms() {
  # Seconds with a fraction ("1796167064.585681114", "765.23") as whole milliseconds in pvlook_v, rounded down; no process.
  pvlook_i=@{1%%.*} pvlook_fr=
  case $1 in *.*) pvlook_fr=@{1#*.} ;; esac
  pvlook_fr=@{pvlook_fr}000
  pvlook_fr=@{pvlook_fr%"@{pvlook_fr#???}"}
  pvlook_i=@{pvlook_i#"@{pvlook_i%%[!0]*}"}
  [ -n "$pvlook_i" ] || pvlook_i=0
  case $pvlook_i$pvlook_fr in *[!0-9]*) return 1 ;; esac
  pvlook_v=$((pvlook_i * 1000 + 1$pvlook_fr - 1000))
}
pvlook_after() {
  # Did the file with identity $1 ("inode:birth") provably come into being after the previous reading, $2 ("clock:time")?
  # Its birth is on the wall clock; a reading by uptime is moved onto the wall clock by the offset between the two now.
  # Every rounding is taken against the file: a file born too close to the reading to tell is not new.
  case $1 in *:*) ;; *) return 1 ;; esac
  pvlook_ms "@{1#*:}" || return 1
  pvlook_b=$pvlook_v
  [ "$pvlook_b" -gt 0 ] || return 1
  case $2 in
    up:*)
      [ "$pvlook_clock" = up ] || return 1
      pvlook_ms "@{2#up:}" || return 1
      pvlook_a=$pvlook_v pvlook_best=
      for pvlook_try in 1 2 3; do
        read -r pvlook_u _ </proc/uptime || return 1
        pvlook_w=$(date +%s.%N 2>/dev/null)
        read -r pvlook_u2 _ </proc/uptime || return 1
        case $pvlook_w in *[0-9].[0-9][0-9][0-9]*) ;; *) return 1 ;; esac
        pvlook_ms "$pvlook_u" || return 1
        pvlook_u=$pvlook_v
        pvlook_ms "$pvlook_u2" || return 1
        pvlook_u2=$pvlook_v
        pvlook_ms "$pvlook_w" || return 1
        # With the uptime read before date the offset can only come out too large, the reading too late
        # (the safe side); a date slow to start (a loaded host) widens that, so it is tried again.
        pvlook_o=$((pvlook_v - pvlook_u))
        { [ -z "$pvlook_best" ] || [ "$pvlook_o" -lt "$pvlook_best" ]; } && pvlook_best=$pvlook_o
        [ $((pvlook_u2 - pvlook_u)) -gt 10 ] || break
      done
      pvlook_a=$((pvlook_a + pvlook_best + 12)) ;;
    wall:*)
      [ "$pvlook_clock" = wall ] || return 1
      pvlook_ms "@{2#wall:}" || return 1
      pvlook_a=$((pvlook_v + 2)) ;;
    *) return 1 ;;
  esac
  [ "$pvlook_b" -gt "$pvlook_a" ]
}
pvlook_from() {
  # A descriptor just opened is read through itself, so it stands at the end for the next sample's wc.
  if [ "$1" = fresh ]; then
    tail -c +"$((pvlook_pos + 1 - pvlook_k))" <&"$pvlook_fd"
  else
    tail -c +"$((pvlook_pos + 1 - pvlook_k))" -- "$pvlook_file"
  fi
}
pvlook_count() {
  pvlook_cut=
  if [ -n "$pvlook_pats" ] || [ -n "$pvlook_chk" ]; then
    # Whole lines only, and from one byte early: that byte must still end a line, or the file was
    # truncated and regrown past where we were (copytruncate), and the count would be wrong.
    pvlook_k=0
    [ "$pvlook_pos" -gt 0 ] && pvlook_k=1
    [ -n "$pvlook_awknul" ] || pvlook_awknul=$(printf 'a\000b\n' | awk 'END { print NR }' 2>/dev/null)
    if [ "$pvlook_awknul" = 1 ]; then
      pvlook_n=$({ pvlook_from "$1"; printf '\001%s\002\n' "$R"; } | awk -v pats="$pvlook_pats" -v tag="$R" -v chk="$pvlook_k" "$pvlook_COUNT" 2>&1)
    else
      pvlook_n=$({ pvlook_from "$1"; printf '\001%s\002\n' "$R"; } | tr '\000' '\001' | awk -v pats="$pvlook_pats" -v tag="$R" -v chk="$pvlook_k" "$pvlook_COUNT" 2>&1)
    fi
    if [ "$pvlook_n" = cut ]; then
      pvlook_cut=1 pvlook_lines=- pvlook_next=0 pvlook_read=0 pvlook_m=
      return 0
    fi
  elif [ "$1" = held ]; then
    pvlook_n=$(wc -lc <&"$pvlook_fd" 2>&1)
  elif [ "$1" = fresh ]; then
    pvlook_n=$(tail -c +"$((pvlook_pos + 1))" <&"$pvlook_fd" | wc -lc 2>&1)
  else
    pvlook_n=$(tail -c +"$((pvlook_pos + 1))" -- "$pvlook_file" | wc -lc 2>&1)
  fi
  case $pvlook_n in
    *[!0-9' '-]* | '') pvlook_fail "error $(pvlook_hex "$pvlook_n")"; return 1 ;;
  esac
  set -- $pvlook_n
  case $# in
    1) pvlook_lines=- pvlook_next=0 pvlook_read=0 pvlook_m= ;;
    2) pvlook_lines=$1 pvlook_next=$2 pvlook_read=$2 pvlook_m= ;;
    *) pvlook_lines=$1 pvlook_next=$2 pvlook_read=$3; shift 3; pvlook_m=" $*" ;;
  esac
}
pvlook_done() {
  [ "$pvlook_lines" = - ] && [ -z "$pvlook_why" ] && pvlook_why=partial
  pvlook_pos=$((pvlook_pos + pvlook_next))
  [ -n "$pvlook_fd" ] && eval "pvlook_h$pvlook_slot=\$pvlook_id pvlook_p$pvlook_slot=\$pvlook_pos"
  # A log once truncated in place is read whole lines at a time from then on, each read checked (see pvlook_count).
  [ -n "$pvlook_fd" ] && [ "$pvlook_why" = truncated ] && [ -z "$pvlook_noawk" ] && eval "pvlook_c$pvlook_slot=1"
  if [ -n "$pvlook_why" ]; then
    echo "@pvlook2 $R $pvlook_out ok $pvlook_id $pvlook_pos $pvlook_why"
  elif [ -n "$pvlook_sw" ]; then
    # The count spans a switch of files: the held one drained, the new one from its first line.
    pvlook_lines=$((pvlook_lines + pvlook_dl))
    if [ -n "$pvlook_dm" ]; then
      pvlook_x=$pvlook_m pvlook_m=
      set -- $pvlook_dm
      for pvlook_c in $pvlook_x; do pvlook_m="$pvlook_m $((pvlook_c + $1))"; shift; done
    fi
    echo "@pvlook2 $R $pvlook_out switched $pvlook_id $pvlook_pos $pvlook_lines$pvlook_m"
  else
    echo "@pvlook2 $R $pvlook_out ok $pvlook_id $pvlook_pos $pvlook_lines$pvlook_m"
  fi
}
pvlook_log() {
  pvlook_out=$1 pvlook_slot=$2 pvlook_f=$3 pvlook_pid=$4 pvlook_pos=$5 pvlook_since=$6 pvlook_pats=$7
  pvlook_why= pvlook_fd= pvlook_sw= pvlook_drained= pvlook_dl=0 pvlook_dm= pvlook_chk=1
  if [ "$pvlook_slot" != - ] && [ -n "$pvlook_fds" ]; then
    pvlook_fd=$((pvlook_slot + 3))
    # A log held since the last sample is counted by one wc from where its descriptor stands (the steady
    # state: one process a sample), unchecked unless it has been truncated in place before.
    eval "[ -z \"\${pvlook_h$pvlook_slot-}\" ] || pvlook_chk=\${pvlook_c$pvlook_slot-}"
  fi
  [ -z "$pvlook_noawk" ] || pvlook_chk=
  pvlook_need stat tail wc || return
  [ -z "$pvlook_pats" ] || pvlook_need awk || return
  if [ ! -e "$pvlook_f" ]; then pvlook_fail missing; return; fi
  if [ -d "$pvlook_f" ] || [ ! -r "$pvlook_f" ]; then pvlook_fail unreadable; return; fi
  pvlook_regular "$pvlook_f" || return
  if [ -n "$pvlook_fd" ] && eval "[ -n \"\${pvlook_h$pvlook_slot-}\" ]"; then
    eval "pvlook_hid=\$pvlook_h$pvlook_slot pvlook_hpos=\$pvlook_p$pvlook_slot"
    pvlook_file=/dev/fd/$pvlook_fd
    if [ "$pvlook_f" -ef "$pvlook_file" ]; then
      pvlook_id=$pvlook_hid pvlook_pos=$pvlook_hpos
      pvlook_count held || return
      # Nothing new: was the file truncated under us (copytruncate)? Only then is a stat worth its process.
      if [ -n "$pvlook_cut" ]; then
        pvlook_why=truncated
      elif [ "$pvlook_read" = 0 ]; then
        if pvlook_ident; then
          set -- $pvlook_s
          [ "$2" -lt "$pvlook_pos" ] && pvlook_why=truncated
        else
          pvlook_why=truncated
        fi
      fi
      if [ -z "$pvlook_why" ]; then pvlook_done; return; fi
    elif [ "$pvlook_pid" = "$pvlook_hid" ] && [ "$pvlook_pos" = "$pvlook_hpos" ]; then
      # The path names another file now (renamed and re-created, a link re-pointed, the next hour's file):
      # what the held one gained since the last reading is read to its end before it is let go.
      pvlook_id=$pvlook_hid pvlook_pos=$pvlook_hpos
      pvlook_count held || return
      [ "$pvlook_lines" = - ] || pvlook_drained=1 pvlook_dl=$pvlook_lines pvlook_dm=$pvlook_m
    fi
  fi
  if [ -n "$pvlook_fd" ]; then
    { command exec 9<"$pvlook_f"; } 2>/dev/null || { pvlook_fail unreadable; return; }
    # Checked again on what was opened: the path may have been swapped for a FIFO or a device meanwhile.
    pvlook_regular /dev/fd/9 || { exec 9<&-; return; }
    eval "exec $pvlook_fd<&9 9<&-"
    pvlook_file=/dev/fd/$pvlook_fd pvlook_how=fresh
  else
    pvlook_file=$pvlook_f pvlook_how=path
  fi
  pvlook_ident
  case $? in
    0) ;;
    2) pvlook_fail missing; return ;;
    *) pvlook_fail "error $(pvlook_hex "$pvlook_s")"; return ;;
  esac
  set -- $pvlook_s
  pvlook_id=$1 pvlook_size=$2
  if [ -n "$pvlook_inglob" ]; then
    # A glob's files are known by identity, not by name: one renamed within the glob goes on from where it was.
    pvlook_pid=- pvlook_pos=-
    case $pvlook_gids in *" $1/"*) pvlook_x=@{pvlook_gids#*" $1/"}; pvlook_pid=$1 pvlook_pos=@{pvlook_x%% *} ;; esac
  fi
  if [ -n "$pvlook_why" ]; then
    pvlook_pos=$2
  elif [ "$pvlook_pid" != - ] && [ "$pvlook_pos" != - ] && [ "$pvlook_pid" = "$1" ]; then
    [ "$2" -lt "$pvlook_pos" ] && pvlook_why=truncated pvlook_pos=$2
  elif { [ -n "$pvlook_drained" ] || [ -n "$pvlook_inglob" ]; } && pvlook_after "$1" "$pvlook_since"; then
    # It came into being after the previous reading: every line in it is new.
    pvlook_pos=0 pvlook_sw=1
  elif [ "$pvlook_pid" = - ] || [ "$pvlook_pos" = - ]; then
    pvlook_why=first pvlook_pos=$2
  else
    pvlook_why=rotated pvlook_pos=$2
  fi
  pvlook_count "$pvlook_how" || return
  if [ -n "$pvlook_cut" ]; then
    pvlook_why=truncated pvlook_pos=$pvlook_size
  elif [ "$pvlook_lines" != - ] && [ "$pvlook_read" -lt $((pvlook_size - pvlook_pos)) ]; then
    # Fewer bytes than stat saw: truncated meanwhile, or a tail that failed (its count would look true).
    if pvlook_ident && set -- $pvlook_s && [ "$2" -lt "$pvlook_size" ]; then
      pvlook_why=truncated pvlook_pos=$2 pvlook_next=0
    else
      pvlook_fail "error $(pvlook_hex "read $pvlook_read of the $((pvlook_size - pvlook_pos)) new bytes")"
      return
    fi
  fi
  pvlook_done
}
pvlook_tpl() {
  pvlook_out=$1 pvlook_fd=
  pvlook_need date || return
  pvlook_log "$1" "$2" "$(date "+$3")" "$4" "$5" "$6" "$7"
}
pvlook_glob() {
  pvlook_gi=$1
  pvlook_g=$2
  pvlook_gp=$3
  pvlook_gs=$4
  shift 4
  pvlook_out=$pvlook_gi pvlook_fd=
  pvlook_need od tr || return
  # Where the previous reading of each file ended, by identity (identities and offsets are pvlook's own words).
  pvlook_gids=' '
  while [ $# -ge 3 ]; do
    case $2$3 in *[!0-9:.?-]*) ;; *) pvlook_gids="$pvlook_gids$2/$3 " ;; esac
    shift 3
  done
  case $pvlook_g in *%*) pvlook_need date || return; pvlook_g=$(date "+$pvlook_g") ;; esac
  pvlook_found=
  pvlook_ifs=$IFS
  IFS=
  # Counted first, with builtins: whoever can create files beside the log must not make every
  # sample start a few processes per file they made.
  pvlook_gn=0
  for pvlook_gf in $pvlook_g; do pvlook_gn=$((pvlook_gn + 1)); done
  if [ "$pvlook_gn" -gt ${MAX_GLOB_FILES} ]; then
    IFS=$pvlook_ifs
    pvlook_fail "error $(pvlook_hex "more than ${MAX_GLOB_FILES} files match this glob ($pvlook_gn)")"
    return
  fi
  for pvlook_gf in $pvlook_g; do
    IFS=$pvlook_ifs
    [ -e "$pvlook_gf" ] || continue
    pvlook_found=1
    pvlook_inglob=1
    pvlook_log "$pvlook_gi f $(pvlook_hex "$pvlook_gf")" - "$pvlook_gf" - - "$pvlook_gs" "$pvlook_gp"
    pvlook_inglob=
  done
  IFS=$pvlook_ifs
  [ -n "$pvlook_found" ] || echo "@pvlook2 $R $pvlook_gi missing"
  echo "@pvlook2 $R $pvlook_gi glob"
}
`.replaceAll('@{', '${');
