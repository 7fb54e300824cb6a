# A BusyBox session for tests/qemu/test_busybox.py: run by the same
# /bin/busybox on the host and in Corvid (`sh bb_session.sh DIR`), in DIR
# (made afresh); the two outputs are compared line by line, du's sizes
# and dd's timing masked. Nothing here may print a pid, time or date.
W=$1
rm -rf "$W"; mkdir -p "$W"; cd "$W" || exit 1
echo "== tree"
mkdir -p a/b/c a/d
for i in 1 2 3 4 5; do echo "line $i of f$i" > a/b/f$i.txt; done
seq 1 100 > a/d/nums
printf 'alpha\nbeta\ngamma\nalpha\ndelta\nbeta\nalpha\n' > a/words
ln -s ../words a/b/link
ls a a/b
readlink a/b/link
wc -l < a/b/link
echo "== cp mv rm ln"
cp -r a copy
mv copy/b copy/moved
ls -R copy
rm -r copy/moved
ls copy
test -e copy/moved || echo gone
ln a/words hard; ls -i hard a/words | awk '{ print $1 }' | uniq | wc -l
rm hard copy/words; ls copy
echo "== find"
find a -name '*.txt' | sort
find a -type d | sort
find a -type l
find a -newer a/d/nums -name nothing
echo "== grep"
grep -r alpha a | sort
grep -c alpha a/words
grep -v alpha a/words
grep -rn f3 a/b | sort
grep -q delta a/words && echo found
echo "== sed awk"
sed 's/line/LINE/; s/of/from/' a/b/f2.txt
sed -n '10,12p' a/d/nums
sed -i 's/gamma/GAMMA/' a/words; cat a/words
awk '{ s += $1 } END { print s, NR }' a/d/nums
awk '{ print $3, $1 }' a/b/f1.txt
awk 'BEGIN { printf "%05.1f|%-4s|%x\n", 3.14159, "ab", 255 }'
echo "== sort uniq"
sort a/words | uniq -c
sort -r a/words | uniq | head -2
printf '10\n9\n100\n' | sort -n
echo "== wc head tail tr cut"
wc a/words
head -3 a/d/nums; tail -2 a/d/nums; tail -n +98 a/d/nums
echo hello world | tr a-z A-Z
echo hello | tr -d l
echo a:b:c:d | cut -d: -f2,4
echo abcdef | cut -c2-4
echo "== xargs test expr seq"
seq 1 5 | xargs echo n
find a/b -name 'f*' | sort | xargs cat
seq 1 7 | xargs -n 3 echo
test -d a && echo isdir; test -f a/words && echo isfile; [ 3 -lt 5 ] && echo less
test -L a/b/link && echo islink; test -s a/words && echo nonempty; [ -z "" ] && echo empty
expr 6 \* 7; expr length hello; expr 10 / 3; expr substr corvid 2 3
seq 3 -1 1; seq -s, 1 5; seq 2 3 11
echo "== tar gzip md5sum"
tar cf t.tar a
tar tf t.tar | sort
mkdir x; cd x; tar xf ../t.tar; cd ..
diff -r a x/a && echo same
seq 1 30000 > big
md5sum big
gzip -9 big; test -f big.gz && test ! -e big && echo zipped
gunzip big.gz; md5sum big
tar czf t.tgz a big; rm -r big; tar xzf t.tgz big; md5sum big
gzip -c a/words | gunzip | md5sum
sha256sum a/words
echo "== dd du hexdump"
dd if=big of=part bs=1k count=3 2>&1
wc -c part
dd if=big bs=100 skip=2 count=1 2>/dev/null | md5sum
dd if=/dev/zero bs=512 count=4 2>/dev/null | wc -c
du -s a
printf 'Corvid\0\001\377xyz\n' | hexdump -C
hexdump -C a/b/f1.txt
echo "== sh"
cat <<EOT
here $((2 + 3)) $(echo sub) ${W##*/}
EOT
cat <<'EOT'
quoted $HOME `x`
EOT
n=$(seq 1 10 | wc -l); echo "n=$n"
trap 'echo trapped USR1' USR1; kill -USR1 $$
(trap 'echo exit trap' EXIT; echo in sub)
sleep 1 & p=$!; echo bg; wait $p; echo "waited $?"
(exit 3); echo "status $?"
{ echo a; echo b; } | sort -r
for f in a/b/*.txt; do case $f in *3*) echo "three $f";; esac; done
echo err >&2 2>/dev/null; echo out 2>&1 > o.txt; cat o.txt
f() { local v=$1; echo "f $v $#"; return 4; }; f x y; echo "ret $?"
echo "== pipeline"
seq 1 20000 | grep 7 | sed 's/^/n/' | sort -r | head -5
seq 1 20000 | grep 77 | sed 's/7/x/g' | sort -rn | wc -l
echo end
