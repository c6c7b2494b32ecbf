import csv, re, sys, unicodedata
R='/work/shared/data/rome4/'
def fold(t):
    t=unicodedata.normalize('NFKD',t.replace('œ','oe').replace('Œ','oe').lower())
    t=''.join(c for c in t if not unicodedata.combining(c))
    return ' '.join(re.sub(r"[^a-z0-9&]+",' ',t).split())
def forms(label):
    full=fold(label)
    if ' / ' not in label: return [full]
    left,right=label.split(' / ',1)
    l=fold(left).split(); r=fold(right).split()
    masc=' '.join(l+r[len(l):])
    return [masc,' '.join(r),full]
apps=[(forms(r['libelle_appellation_long']),r['code_ogr'],r['code_rome'],r['libelle_appellation_long']) for r in csv.DictReader(open(R+'unix_referentiel_appellation_v460_utf8.csv'))]
fiches={r['code_rome']:r['libelle_rome'] for r in csv.DictReader(open(R+'unix_referentiel_code_rome_v460_utf8.csv'))}
out=[]
for line in open('tests/data/text_eval/labelling/titles_keys.tsv'):
    title,key,noisy=line.rstrip('\n').split('\t')
    codes=[];ogr=[];per=[]
    for k in key.split('|'):
        if re.fullmatch(r'[A-N]\d{4}',k):
            codes.append(k);continue
        exact=k.startswith('=')
        fk=fold(k.lstrip('='))
        tiers=[[],[],[]]
        for fs,o,c,l in apps:
            if any(f==fk for f in fs): tiers[0].append((c,o))
            elif exact: continue
            elif any(f.startswith(fk+' ') for f in fs): tiers[1].append((c,o))
            elif any(re.search(r'(^| )'+re.escape(fk)+r'( |$)',f) for f in fs): tiers[2].append((c,o))
        per.append(tiers)
    sel=[]
    for lvl in ([0],[0,1],[0,1,2]):
        sel=[x for t in per for l in lvl for x in t[l]]
        if sel and len({c for c,_ in sel})<=4: break
        if sel and lvl==[0]: break
    if len({c for c,_ in sel})>4:
        sel=[x for t in per for x in t[0]] or sel
    for c,o in sel:
        if True:
            if c not in codes: codes.append(c)
            ogr.append(o)
    out.append((title,codes,ogr,noisy,key))
bad=0
for t,c,o,n,k in out:
    if not c or len(c)>4:
        bad+=1; print('CHECK',len(c),t,'|',k,'|',[(x,fiches[x][:30]) for x in c[:8]])
print(bad, file=sys.stderr)
import json; json.dump(out,open('/tmp/te/titles_resolved.json','w'),ensure_ascii=False)
