#!/usr/bin/env python3
"""Writes rules/firmware/FW-*.yaml from the table below (texts in fr + en).

Run from the repository root: scripts/gen-fw-rules.py. The YAML files are committed;
edit the table and re-run rather than editing the YAML by hand.
"""
import json, os

def q(s):
    return json.dumps(s, ensure_ascii=False)

CRA_K = {"id": "CRA-I.1.2(k)"}
RULES = [
  dict(id="FW-010", name="executable-stack", target="binary", severity="medium",
       condition='format == "elf" && !elf.nx && elf.type != "rel"',
       title=("Executable stack", "Pile exécutable"),
       message=("ELF binary has an executable stack (`PT_GNU_STACK` {{ elf.gnu_stack ? 'with PF_X' : 'missing' }})",
                "le binaire ELF a une pile exécutable (`PT_GNU_STACK` {{ elf.gnu_stack ? 'avec PF_X' : 'absent' }})"),
       why=("When the stack is executable, a buffer overflow lets an attacker run code placed on the stack directly. Every modern toolchain marks the stack non-executable by default; an executable stack usually comes from old assembly files or a linker option.",
            "Quand la pile est exécutable, un débordement de tampon permet à un attaquant d'exécuter directement du code placé sur la pile. Toutes les chaînes de compilation récentes rendent la pile non exécutable par défaut ; une pile exécutable vient en général de vieux fichiers assembleur ou d'une option de l'éditeur de liens."),
       fix=("Ask the vendor to rebuild with `-Wl,-z,noexecstack` and to fix the objects that request an executable stack (`readelf -lW` shows `GNU_STACK ... RWE`).",
            "Demander au fournisseur de recompiler avec `-Wl,-z,noexecstack` et de corriger les objets qui demandent une pile exécutable (`readelf -lW` affiche `GNU_STACK ... RWE`)."),
       refs=[CRA_K, {"id": "ETSI-EN-303-645-5.6-9"}, {"cwe": 119}], profiles=["cra-annex-i"]),
  dict(id="FW-011", name="executable-not-pie", target="binary", severity="low",
       condition='format == "elf" && elf.pie == "none"',
       title=("Executable not position-independent (no PIE)", "Exécutable non indépendant de la position (pas de PIE)"),
       message=("ELF executable is not PIE: it is always loaded at the same address",
                "l'exécutable ELF n'est pas PIE : il est toujours chargé à la même adresse"),
       why=("Address space layout randomisation (ASLR) only moves an executable if it is position-independent. A fixed address makes return-oriented exploits of a memory bug reliable.",
            "La distribution aléatoire de l'espace d'adressage (ASLR) ne déplace un exécutable que s'il est indépendant de la position. Une adresse fixe rend fiables les attaques par réutilisation de code après un bogue mémoire."),
       fix=("Rebuild with `-fPIE -pie` (the default of current GCC and Clang on most distributions).",
            "Recompiler avec `-fPIE -pie` (le réglage par défaut des GCC et Clang actuels sur la plupart des distributions)."),
       refs=[CRA_K, {"cwe": 1188}], profiles=["cra-annex-i"]),
  dict(id="FW-012", name="no-relro", target="binary", severity="low",
       condition='format == "elf" && elf.relro == "none" && elf.type != "rel" && !elf.static_linked',
       title=("No RELRO", "Pas de RELRO"),
       message=("ELF binary has no `PT_GNU_RELRO`: relocation tables stay writable",
                "le binaire ELF n'a pas de `PT_GNU_RELRO` : les tables de relocation restent modifiables"),
       why=("Without RELRO, the global offset table and other relocation data stay writable for the whole run, so a single write primitive can redirect any library call.",
            "Sans RELRO, la table des adresses globales et les autres données de relocation restent modifiables pendant toute l'exécution : une seule écriture arbitraire suffit à détourner n'importe quel appel de bibliothèque."),
       fix=("Rebuild with `-Wl,-z,relro,-z,now` (full RELRO).",
            "Recompiler avec `-Wl,-z,relro,-z,now` (RELRO complet)."),
       refs=[CRA_K, {"cwe": 1188}], profiles=["cra-annex-i"]),
  dict(id="FW-013", name="network-binary-without-canary", target="binary", severity="low",
       condition='format == "elf" && elf.network && !elf.canary && !elf.static_linked',
       title=("Network-facing binary without stack protector", "Binaire réseau sans protection de pile"),
       message=("binary uses sockets but has no stack canary (`__stack_chk_fail` absent)",
                "le binaire utilise des sockets mais n'a pas de canari de pile (`__stack_chk_fail` absent)"),
       why=("A program that reads network input is where overflows get exploited. The stack protector detects most stack buffer overflows before the function returns and stops the program instead of running the attacker's code.",
            "Un programme qui lit des données du réseau est l'endroit où les débordements sont exploités. La protection de pile détecte la plupart des débordements de tampon sur la pile avant le retour de la fonction et arrête le programme au lieu d'exécuter le code de l'attaquant."),
       fix=("Rebuild with `-fstack-protector-strong`.",
            "Recompiler avec `-fstack-protector-strong`."),
       refs=[CRA_K, {"cwe": 121}], profiles=["cra-annex-i"]),
  dict(id="FW-014", name="network-binary-unsafe-calls", target="binary", severity="info",
       condition='format == "elf" && elf.network && size(elf.unsafe_calls) > 0',
       title=("Network-facing binary imports unsafe libc calls", "Binaire réseau qui importe des fonctions C dangereuses"),
       message=("binary uses sockets and imports {{ elf.unsafe_calls.join(', ') }}",
                "le binaire utilise des sockets et importe {{ elf.unsafe_calls.join(', ') }}"),
       why=("`gets`, `strcpy`, `strcat` and `sprintf` write without a length limit, and `system`/`popen` run a shell command line. In a program that handles network input they are the usual roots of overflows and command injection.",
            "`gets`, `strcpy`, `strcat` et `sprintf` écrivent sans limite de longueur, et `system`/`popen` lancent une ligne de commande shell. Dans un programme qui traite des données du réseau, ce sont les causes habituelles de débordements et d'injections de commandes."),
       fix=("Ask the vendor to review these calls: bounded variants (`snprintf`, `strlcpy`) and `execve` with an argument list instead of a shell.",
            "Demander au fournisseur de revoir ces appels : variantes bornées (`snprintf`, `strlcpy`) et `execve` avec une liste d'arguments au lieu d'un shell."),
       refs=[{"id": "ETSI-EN-303-645-5.13-1"}, {"cwe": 120}, {"cwe": 78}], profiles=["etsi-en-303-645"]),
]

def ref(r):
    return "{ " + ", ".join(f"{k}: {q(v) if isinstance(v, str) else v}" for k, v in r.items()) + " }"

def write(r, base):
    slug = f"{r['id']}-{r['name']}"
    lines = [f"id: {r['id']}", f"name: {r['name']}", f"target: {r['target']}",
             f"severity: {r['severity']}", f"status: {r.get('status', 'stable')}", f"condition: {q(r['condition'])}",
             "title:", f"  en: {q(r['title'][0])}", f"  fr: {q(r['title'][1])}",
             "message:", f"  en: {q(r['message'][0])}", f"  fr: {q(r['message'][1])}",
             "docs:", "  why:", f"    en: {q(r['why'][0])}", f"    fr: {q(r['why'][1])}",
             "  fix:", f"    en: {q(r['fix'][0])}", f"    fr: {q(r['fix'][1])}",
             "references:"] + [f"  - {ref(x)}" for x in r["refs"]] + \
            [f"profiles: [{', '.join(r['profiles'])}]", ""]
    os.makedirs(os.path.join(base, slug, "fail"), exist_ok=True)
    os.makedirs(os.path.join(base, slug, "pass"), exist_ok=True)
    with open(os.path.join(base, slug + ".yaml"), "w") as f:
        f.write("\n".join(lines))

if __name__ == "__main__":
    import importlib.util, sys
    here = os.path.dirname(os.path.abspath(__file__))
    # Every scripts/fw_rules_*.py adds its RULES table.
    for extra in sorted(f for f in os.listdir(here) if f.startswith("fw_rules_") and f.endswith(".py")):
        spec = importlib.util.spec_from_file_location(extra[:-3], os.path.join(here, extra))
        m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
        RULES += m.RULES
    for r in RULES:
        write(r, "rules/firmware")
    print(f"{len(RULES)} rules written")
