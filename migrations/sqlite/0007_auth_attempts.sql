-- Attempts that rate limits count, for every app server alike: failed sign-ins per account
-- and per client address, registrations per client address. Replaces login_attempts.
create table auth_attempts (
    id integer primary key,
    kind text not null,
    subject text not null,
    attempted_at text not null
);
create index auth_attempts_subject on auth_attempts (kind, subject, attempted_at);
create index auth_attempts_time on auth_attempts (attempted_at);

insert into auth_attempts (kind, subject, attempted_at)
    select 'login_account', email, attempted_at from login_attempts;
drop table login_attempts;
