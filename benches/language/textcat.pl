#!/usr/bin/perl
# SpamAssassin's TextCat (Mail::SpamAssassin::Plugin::TextCat, Debian `spamassassin`) on
# each text of the language set, with its default settings: the languages it names (up
# to textcat_max_languages within textcat_acceptable_score of the best), or none when it
# cannot determine the language uniquely enough. Reads `FILE<TAB>LANG` lines on stdin,
# the set's folder as the argument; prints `FILE<TAB>lang,lang` (empty: undetermined).
use strict;
use warnings;
use Mail::SpamAssassin::Plugin::TextCat;

package Tags;
sub new { bless {}, shift }
sub set_tag { }

package main;

my $dir = shift @ARGV // '.';
Mail::SpamAssassin::Plugin::TextCat::load_models('/usr/share/spamassassin/languages');
my $conf = {
    textcat_max_ngrams => 400,
    textcat_optimal_ngrams => 0,
    textcat_acceptable_score => 1.02,
    textcat_max_languages => 3,
};
# The plugin's default inactive_languages.
my %skip = map { $_ => 1 } qw(bs cy eo et eu fy ga gd is la lt lv rm sa sco sl yi);
while (my $line = <STDIN>) {
    chomp $line;
    my ($file) = split /\t/, $line;
    open(my $fh, '<:encoding(UTF-8)', "$dir/$file") or die "$dir/$file: $!";
    local $/;
    my $text = <$fh>;
    close $fh;
    my @answers = Mail::SpamAssassin::Plugin::TextCat::classify(
        \$text, { conf => $conf, permsgstatus => Tags->new }, %skip);
    print "$file\t" . join(',', @answers) . "\n";
}
