# A busybox sh script that runs 68 of busybox's 269 applets, as a shell in an image
# does: the workload of the busybox-sh-applets corpus entry (tests/e2e/
# extract_lib.sh). busybox sh runs an applet in-process (NOFORK), or forks
# and runs it, or execs /proc/self/exe: busybox itself, under the filter sh
# was started with (a filter survives fork and exec). So what `busybox sh`
# can call is what any applet can call, and a recording of a small script
# shows a small part of it. Nothing here runs a program that is not busybox
# (no flock, split, nohup or nice, which busybox-static does not have); a
# command that fails (no network, no root) still makes its calls. What
# changes from run to run (times, names, memory) goes to /dev/null.
d=$(mktemp -d) && cd "$d" || exit 1
echo hi >a; cp a b; mv b c; ln -s c d; ln c e; chmod 600 c; chown 0:0 c
touch -d 2020-01-01 c; stat c >/dev/null; mkdir x; rmdir x; rm -f e
readlink d; realpath d >/dev/null; truncate -s 10 c; sync
date >/dev/null; uname -a; hostname; id; nproc; uptime >/dev/null; free >/dev/null
df / >/dev/null; du -s . >/dev/null
ps >/dev/null; dmesg 2>/dev/null | tail -1 >/dev/null
find . -name a; grep hi a; sed s/hi/ho/ a; awk '{print $1}' a; sort a; uniq a; wc a
md5sum a; sha256sum a
tar cf t.tar a; gzip t.tar; gunzip t.tar.gz; tar tf t.tar; cpio --help 2>/dev/null
sleep 0.01; timeout 1 sleep 0; renice -n 0 $$ >/dev/null; ionice -c 2 sleep 0
taskset -p $$ >/dev/null; mktemp -p . >/dev/null; xargs echo <a; setsid sleep 0
ip addr >/dev/null; ip route >/dev/null; netstat -tn >/dev/null; ifconfig lo >/dev/null
arp -n >/dev/null 2>&1; ping -c 1 -W 1 127.0.0.1 >/dev/null 2>&1
nslookup localhost 127.0.0.1 >/dev/null 2>&1; logger scmpkit-extract 2>/dev/null
mount | head -1 >/dev/null; cat /proc/self/status >/dev/null
printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 1 127.0.0.1 1 2>/dev/null
wget -q -T 1 -O - http://127.0.0.1:1/ 2>/dev/null
kill -0 $$; killall -0 busybox 2>/dev/null; pidof busybox >/dev/null
chroot / /bin/busybox true 2>/dev/null; env -i /bin/busybox true; tty
cd / && rm -rf "$d"
