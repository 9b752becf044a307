package expressions

import (
	"slices"
	"strings"
)

// irregularVerbs lists English irregular verbs as "base past participle"; alternatives are separated by "/".
// Forms that follow the regular rules are still listed when a verb also has an irregular one.
const irregularVerbs = `
arise arose arisen
awake awoke awoken
be was/were been
bear bore borne/born
beat beat beaten
become became become
begin began begun
bend bent bent
bet bet bet
bid bid bid
bind bound bound
bite bit bitten
bleed bled bled
blow blew blown
break broke broken
breed bred bred
bring brought brought
broadcast broadcast broadcast
build built built
burn burned/burnt burned/burnt
burst burst burst
buy bought bought
cast cast cast
catch caught caught
choose chose chosen
cling clung clung
come came come
cost cost cost
creep crept crept
cut cut cut
deal dealt dealt
dig dug dug
dive dived/dove dived
do did done
draw drew drawn
dream dreamed/dreamt dreamed/dreamt
drink drank drunk
drive drove driven
dwell dwelt dwelt
eat ate eaten
fall fell fallen
feed fed fed
feel felt felt
fight fought fought
find found found
flee fled fled
fling flung flung
fly flew flown
forbid forbade forbidden
forecast forecast forecast
foresee foresaw foreseen
forget forgot forgotten
forgive forgave forgiven
freeze froze frozen
get got got/gotten
give gave given
go went gone
grind ground ground
grow grew grown
hang hung/hanged hung/hanged
have had had
hear heard heard
hide hid hidden
hit hit hit
hold held held
hurt hurt hurt
keep kept kept
kneel knelt knelt
know knew known
lay laid laid
lead led led
lean leaned/leant leaned/leant
leap leaped/leapt leaped/leapt
learn learned/learnt learned/learnt
leave left left
lend lent lent
let let let
lie lay/lied lain/lied
light lit/lighted lit/lighted
lose lost lost
make made made
mean meant meant
meet met met
mislead misled misled
mistake mistook mistaken
misunderstand misunderstood misunderstood
overcome overcame overcome
oversleep overslept overslept
overtake overtook overtaken
pay paid paid
prove proved proven/proved
put put put
quit quit quit
read read read
rid rid rid
ride rode ridden
ring rang rung
rise rose risen
run ran run
say said said
see saw seen
seek sought sought
sell sold sold
send sent sent
set set set
sew sewed sewn
shake shook shaken
shed shed shed
shine shone shone
shoot shot shot
show showed shown
shrink shrank shrunk
shut shut shut
sing sang sung
sink sank sunk
sit sat sat
sleep slept slept
slide slid slid
sling slung slung
slit slit slit
smell smelled/smelt smelled/smelt
speak spoke spoken
speed sped sped
spell spelled/spelt spelled/spelt
spend spent spent
spill spilled/spilt spilled/spilt
spin spun spun
spit spat spat
split split split
spoil spoiled/spoilt spoiled/spoilt
spread spread spread
spring sprang sprung
stand stood stood
steal stole stolen
stick stuck stuck
sting stung stung
stink stank stunk
stride strode stridden
strike struck struck
strive strove striven
swear swore sworn
sweep swept swept
swell swelled swollen
swim swam swum
swing swung swung
take took taken
teach taught taught
tear tore torn
tell told told
think thought thought
throw threw thrown
thrust thrust thrust
tread trod trodden
undergo underwent undergone
understand understood understood
undertake undertook undertaken
undo undid undone
upset upset upset
wake woke woken
wear wore worn
weave wove woven
weep wept wept
win won won
wind wound wound
withdraw withdrew withdrawn
write wrote written
`

// irregularOther lists inflected forms the suffix rules cannot undo: present forms of be/have/do/go,
// -ing forms of two-letter verbs, and irregular plurals, as "form base".
const irregularOther = `
am be
is be
are be
being be
has have
having have
does do
doing do
goes go
going go
men man
women woman
children child
feet foot
teeth tooth
mice mouse
people person
lives life
wives wife
knives knife
leaves leaf
wolves wolf
halves half
shelves shelf
thieves thief
selves self
`

// irregularBase maps an inflected form to its base forms ("broke" -> "break", "lay" -> "lie").
var irregularBase = buildIrregularBase()

func buildIrregularBase() map[string][]string {
	bases := map[string][]string{}
	add := func(form, base string) {
		if form != base && !slices.Contains(bases[form], base) {
			bases[form] = append(bases[form], base)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(irregularVerbs), "\n") {
		fields := strings.Fields(line)
		for _, forms := range fields[1:] {
			for _, form := range strings.Split(forms, "/") {
				add(form, fields[0])
			}
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(irregularOther), "\n") {
		fields := strings.Fields(line)
		add(fields[0], fields[1])
	}
	return bases
}
