-- The room's messages after offset ARGV[3], at most ARGV[4] of them, none older than ARGV[5] ms:
-- {epoch, latest offset, offset1, json1, offset2, json2, ...}, read atomically with the epoch they belong to.
local now = redis.call('TIME')
local oldest = now[1] * 1000 + math.floor(now[2] / 1000) - tonumber(ARGV[5])
local reply = {epoch, redis.call('HGET', meta, 'offset')}
local entries = redis.call('XRANGE', log, '(' .. ARGV[3] .. '-0', '+', 'COUNT', ARGV[4])
for _, entry in ipairs(entries) do
  local fields = entry[2]
  local json, at
  for i = 1, #fields, 2 do
    if fields[i] == 'd' then json = fields[i + 1] elseif fields[i] == 't' then at = tonumber(fields[i + 1]) end
  end
  if at >= oldest then
    table.insert(reply, string.match(entry[1], '^(%d+)'))
    table.insert(reply, json)
  end
end
return reply
